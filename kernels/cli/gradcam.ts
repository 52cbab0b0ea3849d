/**
 * `lungcam gradcam <wav> --out F.json|F.npy|F.png|F.svg|F.html`: where the model looks in a recording.
 * The map is aligned frame for frame with `lungcam features` on the same file and parameters (which come
 * from the model unless given). JSON carries axes, parameters, per-patch probabilities, summaries and,
 * on request, faithfulness and sanity numbers; PNG/SVG are figures; HTML is one interactive page.
 */
import type { Command } from 'commander';
import { printWarnings } from './run';
import { Option } from 'commander';
import { extname } from 'node:path';
import { defaultModelDir } from './modelOptions';
import { LungcamInputError, printable } from '../engine/errors';
import { addBackendOption, addFeatureOptions, attentionThresholdOption, featureFlagsGiven, parsePositiveInt, requestedFeatures, type BackendChoice, type FeatureOptionValues } from './args';
import type { MaskFill } from '../engine/cutoff/bandMask';
import { CAM_COLORMAPS, DEFAULT_CAM_COLORMAP, type ColormapName } from '../shared/view/colormaps';
import { CAM_METHODS, DEFAULT_CAM_METHOD } from '../shared/view/methods';
import { DEFAULT_NORMALISATION, NORMALISATIONS, type CamNormalisation } from '../shared/view/normalisation';

export interface GradcamCliOptions extends Omit<FeatureOptionValues, 'cutoff'> {
  model?: string;
  /** The band cutoff to look at, as typed (checked against the model or family: cutoff/plan.ts). */
  cutoff?: string;
  maskFill: MaskFill;
  layer?: string[];
  class?: string;
  method?: string;
  raw?: boolean;
  normalise: CamNormalisation;
  out: string;
  events?: string;
  attentionThreshold: number;
  faithfulness?: boolean;
  sanity?: boolean;
  batchSize: number;
  colormap: ColormapName;
  backend: BackendChoice;
  quiet?: boolean;
}

const OUTPUTS = ['.json', '.npy', '.png', '.svg', '.html'];


const parseList = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

export function register(program: Command): void {
  const cmd = program
    .command('gradcam')
    .description('Grad-CAM of a recording: where in time and frequency the model looks for a class.')
    .argument('<wav>', 'input WAV file')
    .requiredOption('--out <file>', 'output: .json (map + axes + numbers), .npy ([frames, bands] float32), .png/.svg (figure) or .html (interactive page)')
    .option('--model <dir>', 'model folder or model family folder (default: the shipped samples/models/baseline)')
    .addOption(new Option('--layer <names>', 'conv layer(s), comma-separated; several are averaged (default: the last conv layer)').argParser(parseList))
    .option('--class <name>', 'class to explain (default: the predicted class)')
    .option('--method <name>', CAM_METHODS.join(', '), DEFAULT_CAM_METHOD)
    .addOption(new Option('--normalise <how>', `how the map is scaled to 0..1: ${NORMALISATIONS.map((n) => `${n.normalisation} (${n.meaning})`).join('; ')}`)
      .choices(NORMALISATIONS.map((n) => n.normalisation)).default(DEFAULT_NORMALISATION))
    .option('--raw', 'unnormalised map (comparable between recordings) instead of 0..1');
  addFeatureOptions(cmd, 'view');
  addBackendOption(cmd)
    .option('--events <file>', 'ground-truth events JSON for localisation (default: NAME.events.json beside the WAV, if present)')
    .addOption(attentionThresholdOption())
    .option('--faithfulness', 'add deletion/insertion curves (AUC) against random and energy baselines (slower)')
    .option('--sanity', 'add the model-randomisation sanity check (slower)')
    .addOption(new Option('--batch-size <n>', 'patches per pass').argParser(parsePositiveInt).default(32))
    .addOption(new Option('--colormap <name>', 'colour map of .png/.svg figures and the .html view (the views\' lungcam.colormap)').choices(CAM_COLORMAPS).default(DEFAULT_CAM_COLORMAP))
    .option('--quiet', 'do not print the summary line')
    .action(async (wav: string, opts: GradcamCliOptions) => runGradcam(wav, opts));
}

export async function runGradcam(wav: string, opts: GradcamCliOptions): Promise<void> {
  const ext = extname(opts.out).toLowerCase();
  if (!OUTPUTS.includes(ext)) throw new LungcamInputError(`the output must end in ${OUTPUTS.join(', ')}`, opts.out);
  const { checkOutputPath, atomicWriteFile } = await import('../engine/io/atomicWrite');
  checkOutputPath(opts.out);
  const { checkRegularFile } = await import('../engine/io/inputFile');
  checkRegularFile(wav);
  const { initBackend, backendDescription } = await import('../engine/model/backend');
  const { checkFeatureParams } = await import('../engine/model/modelIO');
  const { logMelFromFile } = await import('../engine/audio/features');
  const { checkModelInput } = await import('../engine/audio/audioCheck');
  const { resolveMethod, resolveLayers, resolveClasses } = await import('../engine/cam/layers');
  const { openModelSource, planBandCutoff, readBandCutoff, cutoffFields, describePlan } = await import('../engine/cutoff/plan');
  const { MemberModels, camModelOf, cutoffCam, cutoffInput } = await import('../engine/cutoff/cutoffCam');

  const method = resolveMethod(opts.method);
  // Check the user's choices before the (slow) audio and CAM work: the model or family, the cutoff.
  const source = openModelSource(opts.model ?? defaultModelDir());
  const plan = planBandCutoff(source, opts.cutoff === undefined ? null : readBandCutoff(opts.cutoff, source), opts.maskFill);
  const features = { ...opts, cutoff: undefined };
  checkFeatureParams(plan.member.meta, requestedFeatures(features), featureFlagsGiven(features));
  // Quiet: stderr is kept for errors (one line); the backend is named in the summary line.
  await initBackend(opts.backend, { quiet: true });
  const models = new MemberModels(source);
  const loaded = await models.get(plan.member);
  const cm = camModelOf(loaded);
  resolveLayers(cm.model, opts.layer, cm.convLayers);
  if (opts.class !== undefined) resolveClasses([opts.class], cm.classes);
  const full = await logMelFromFile(wav, source.featureParams);
  printWarnings([...full.warnings, ...checkModelInput(full, wav)]);
  // The classification with the annotated cycles (when NAME.txt/NAME.json sit beside the WAV): the
  // cycle lane of every output, and the same numbers `classify` prints.
  const { annotatedPrediction } = await import('./annotatedPrediction');
  const prediction = ext === '.npy' ? undefined : await annotatedPrediction(loaded, cutoffInput(full, plan), wav);
  const { rc } = await cutoffCam(models, full, plan, {
    layers: opts.layer, className: opts.class, method, raw: opts.raw, normalisation: opts.normalise, batchSize: opts.batchSize, everything: ext === '.html', prediction,
  });
  const logMel = rc.logMel;

  if (ext === '.npy') {
    const { writeNpy } = await import('../engine/io/npy');
    await writeNpy(opts.out, rc.map, [logMel.frames, logMel.bands], 'float32');
  } else if (ext === '.json') {
    const { gradcamJson } = await import('../engine/export/json');
    await atomicWriteFile(opts.out, await gradcamJson(rc, cm, { wav, events: opts.events, attentionThresholdHz: opts.attentionThreshold, faithfulness: opts.faithfulness, sanity: opts.sanity, method, cutoff: cutoffFields(plan, source) }));
  } else if (ext === '.png' || ext === '.svg') {
    const { figureFor } = await import('../engine/export/json');
    const { readEvents } = await import('../engine/cam/explain');
    const fig = figureFor(rc, cm, method, readEvents(wav, opts.events), opts.colormap);
    if (ext === '.png') {
      const { camFigurePng } = await import('../engine/export/png');
      await atomicWriteFile(opts.out, camFigurePng(fig));
    } else {
      const { camFigureSvg } = await import('../engine/export/svg');
      await atomicWriteFile(opts.out, camFigureSvg(fig));
    }
  } else {
    const { camOutput } = await import('../engine/cam/output');
    const { camHtml } = await import('../engine/export/html');
    const { readEvents } = await import('../engine/cam/explain');
    const { cycleLaneOf } = await import('../engine/model/cycleLane');
    const events = readEvents(wav, opts.events);
    const lane = cycleLaneOf(rc.prediction);
    const out = camOutput({
      result: rc.result, logMel, patches: rc.patches, modelId: cm.id, defaultLayer: rc.layers[rc.layers.length - 1], defaultClass: rc.className,
      ...(lane || events ? { annotations: { ...lane, ...(events ? { events } : {}) } } : {}),
    });
    await atomicWriteFile(opts.out, camHtml(out, opts.colormap));
  }
  if (!opts.quiet) {
    const { recordingProbabilities } = await import('../engine/cam/explain');
    const { argmax } = await import('../shared/view/recordingLabel');
    const { plural } = await import('../shared/view/words');
    const mean = recordingProbabilities(rc);
    const top = argmax(mean);
    const explained = top === rc.classIndex ? `the predicted class ${rc.className} (p ${mean[top].toFixed(2)})` : `class ${rc.className} (p ${mean[rc.classIndex].toFixed(2)}; predicted ${cm.classes[top]}, p ${mean[top].toFixed(2)})`;
    process.stdout.write(`${printable(opts.out)}: ${method} of ${describePlan(plan)}, layer ${rc.layers.join('+')}, ${explained}, over ${plural(rc.patches.count, 'patch', 'patches')}, ${logMel.frames} frames × ${logMel.bands} bands; backend ${backendDescription()}\n`);
  }

}
