/**
 * The `lungcam` module that notebook cells import (`import * as lc from "lungcam"`), also used by the CLI.
 * Each area re-exports its public functions here.
 */
export * from './types';
export * from './errors';
export * from '../shared/outputTypes';
export * from './show/display';
// logMelFromFile, loadModel and recordingCam as the engine's, plus a note of the WAV file and model folder
// they came from, so `show(cam)` can link its view to a recomputation (show/sources.ts). The explicit
// recordingCam export takes precedence over the one from `export * from './cam/explain'` below.
export { logMelFromFile, loadModel, recordingCam } from './show/sources';
// A view's recomputation run by a kernel on a Jupyter Server (the extension asks the kernel for it).
export { showRecomputedView } from './show/viewInKernel';
export type { ViewRecomputation } from './show/viewInKernel';
// Audio front end: WAV → 16 kHz → VGGish log-mel → patches; NPY and atomic writes.
export { decodeWav, readWav, openWavStream, ULAW_TABLE, ALAW_TABLE } from './audio/wav';
export type { WavStream } from './audio/wav';
export type { WavFormat, WavLayout } from './audio/wavHeader';
export { resample, StreamingResampler } from './audio/resample';
export { logMelSpectrogram, LogMelStream, SILENCE_LOG_MEL, LOG_OFFSET } from './audio/logMel';
export { melAxes, melFilterbank, resolveFeatureParams, frameCount, keptBands, hzToMel, melToHz } from './audio/melFilter';
export { logMelFromAudio } from './audio/features';
export { toPatches, patchLayout, MIN_TAIL_FRAMES } from './audio/patches';
export type { PatchOptions } from './audio/patches';
// Files and pictures without TensorFlow.js (what the VS Code extension uses): NPY, figures, atomic writes.
export * from './formats';
// Datasets: ICBHI 2017 and SPRSound layouts (and mixed folders), annotations of one recording, cycle patches.
export { readDataset, findWavFiles, skipSummary, OFFICIAL_SPLIT_FILES } from './data/dataset';
export type { Dataset, DatasetRecording, DatasetSplit, DatabaseName, SkippedRecording, SkipReason, ReadDatasetOptions } from './data/dataset';
export { readRecordingAnnotations, annotationPaths } from './data/annotations';
export type { RecordingAnnotations, AnnotationFormat } from './data/annotations';
export { cyclePatches, cycleFrames } from './data/cycles';
export type { Cycle, CyclePatches, CyclePatchOptions } from './data/cycles';
export { parseAnnotations, parseOfficialSplit, parseRecordingName } from './data/icbhi';
export type { RecordingName } from './data/icbhi';
export { parseSprsoundAnnotation, parseSprsoundName, SPRSOUND_EVENT_LABELS, SPRSOUND_RECORD_LABELS } from './data/sprsound';
export { CYCLE_LABELS, labelFromFlags, flagsFromLabel, isCycleLabel } from './data/labels';
export type { CycleLabel } from './data/labels';
export { splitByPatient } from './data/split';
// The synthetic corpus.
export { writeSynthCorpus, synthesizeCorpus, renderRecording, annotationText, eventsDocument } from './data/synth';
export type { SynthOptions, SynthRecording, CorpusSummary, AnnotatedCycle } from './data/synth';
export type { SynthEvent, CrackleEvent, WheezeEvent, HarmonicBand } from './data/events';
export { encodeWav } from './data/wavWrite';
// Model: TensorFlow.js backend, the LungCAM CNN, training, classification, evaluation, model folders.
export { initBackend, backendName, backendDescription, withBackend } from './model/backend';
export type { BackendPreference } from './model/backend';
export { buildModel, buildReferenceModel, convLayerNames, CLASSES, DEFAULT_FILTERS } from './model/model';
export type { ModelOptions, ClassName } from './model/model';
export { trainOnPatches, evaluatePatches, predictLogits, classWeightsFor } from './model/train';
export type { PatchSet, TrainOptions, TrainResult, EpochInfo } from './model/train';
export { trainOnDataset } from './model/trainDataset';
export type { TrainDatasetOptions, TrainDatasetResult } from './model/trainDataset';
export { recordingPatches, evaluateRecordings } from './model/dataset';
export type { RecordingPatches, DatasetEvaluation, CycleResult } from './model/dataset';
export { predictProbabilities, classifyLogMel } from './model/classify';
export type { RecordingPrediction, PatchPrediction, CyclePrediction, CycleSpan, CycleAggregation } from './model/classify';
// What the views say about a recording: the recording label rule, cycle verdicts, normalisations, plain words.
export { recordingProbabilities as meanPatchProbabilities } from '../shared/view/recordingLabel';
export { cycleSummary, cycleHoverText, verdictOf, verdictCounts } from '../shared/view/cycleVerdicts';
export { NORMALISATIONS, DEFAULT_NORMALISATION, normalisationInfo } from '../shared/view/normalisation';
export type { CamNormalisation } from '../shared/view/normalisation';
export { cycleLaneOf } from './model/cycleLane';
export { classificationMetrics, formatMetrics } from './model/metrics';
export type { ClassificationMetrics, ClassMetrics } from './model/metrics';
export { saveModel, readModelMetadata, checkFeatureParams, checkInputBands, MODEL_FORMAT } from './model/modelIO';
export { resolveModelDir, shippedModelNames, isModelName, portableModelRef } from './model/modelNames';
export type { ModelMetadata, LoadedModel } from './model/modelIO';
export { augmentPatch, DEFAULT_AUGMENT } from './model/augment';
export type { AugmentOptions } from './model/augment';
// Grad-CAM of a recording and its renderer output (used by lc.show and the quickstart notebook).
// `export *` so an explicit re-export of the same names added by the Grad-CAM area cannot collide.
export * from './cam/explain';
export * from './cam/output';
// Grad-CAM engine: the pipeline, methods, summaries, faithfulness, localisation, sanity, figures, study.
export { gradCam, camImage, patchMaps, findCam, layerGradients } from './cam/cam';
export type { GradCamOptions, GradCamResult, LayerClassCam, PatchBatch } from './cam/cam';
export { CAM_METHODS, isCamMethod } from '../shared/view/methods';
export type { CamMethodName } from '../shared/view/methods';
export { camLayerNames, activationLayerFor } from './cam/layers';
export { attentionByBand, attentionByTime, shareAboveCutoff, topRegions } from '../shared/view/summaries';
export type { RecordingMap, CutoffShare, Region } from '../shared/view/summaries';
export { localise, summariseLocalisation, eventBox } from './cam/localisation';
export type { EventLocalisation, LocalisationSummary } from './cam/localisation';
export { localiseRecordings } from './cam/localiseDataset';
export type { DatasetLocalisation } from './cam/localiseDataset';
export { faithfulness, trapezoidAuc } from './cam/faithfulness';
export type { FaithfulnessResult, FaithfulnessOptions, Curve } from './cam/faithfulness';
export { randomisationCheck, spearman } from './cam/sanity';
export type { SanityResult } from './cam/sanity';
export { camHtml } from './export/html';
// Band cutoff: model families by cutoff, the occlusion what-if, which model answers a cutoff, views at a cutoff.
export { FAMILY_FORMAT, FAMILY_MANIFEST, isModelFamilyFolder, readModelFamily, writeFamilyManifest, describeFamily } from './model/family';
export type { ModelFamily, FamilyMember, FamilyManifest, FamilyManifestMember } from './model/family';
export { maskBandsAbove, MASK_FILLS, DEFAULT_MASK_FILL } from './cutoff/bandMask';
export type { MaskFill, BandMatrix } from './cutoff/bandMask';
export { lowBandsOf } from './cutoff/lowBands';
export { openModelSource, planBandCutoff, readBandCutoff, bandCutoffRange, describePlan, cutoffFields } from './cutoff/plan';
export type { ModelSource, CutoffPlan } from './cutoff/plan';
export { MemberModels, cutoffInput, cutoffCam, loadModelFamily } from './cutoff/cutoffCam';
export type { CutoffCam } from './cutoff/cutoffCam';
export { cutoffView, computeCutoffView } from './cutoff/cutoffView';
export type { CutoffViewOptions, CutoffView } from './cutoff/cutoffView';
export * from '../shared/cutoff';
export { runStudy } from './study/study';
export type { StudyOptions, StudyResult } from './study/study';
export { writeStudyReport } from './study/report';
