// lc.show(cam) in a notebook gives the CAM view a requestId naming the recording and model folder the
// cell used (through the `lungcam` module's logMelFromFile / loadModel / recordingCam), so the view's
// method dropdown can ask VS Code to recompute it; a CAM the module cannot trace back gets none.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as path from 'node:path';
import * as lc from '../../kernels/engine/index';
import { decodeRequestId } from '../../kernels/shared/requestId';
import type { CamOutput } from '../../kernels/shared/outputTypes';

const root = path.resolve(__dirname, '..', '..');
const wav = path.join(root, 'samples', 'wav', 'S001_1b1_Pr_sc_SYNTH.wav');
const modelDir = path.join(root, 'samples', 'models', 'baseline');

describe('lc.show(cam): the requestId of a notebook CAM output', () => {
  let model: Awaited<ReturnType<typeof lc.loadModel>>;
  before(async () => {
    await lc.initBackend('wasm', { quiet: true });
    // relative, as a notebook cell writes it: the id must hold absolute paths
    model = await lc.loadModel(path.relative(process.cwd(), modelDir));
  });
  const camModel = () => ({ model: model.model, id: model.meta.name, classes: model.meta.classes, convLayers: model.meta.convLayers });

  it('names the WAV and the model folder (absolute) when the cell read and loaded them through lungcam', async () => {
    const logMel = await lc.logMelFromFile(path.relative(process.cwd(), wav), model.meta.featureParams);
    const cam = await lc.recordingCam(camModel(), logMel, { layers: [model.meta.convLayers.at(-1)!] });
    const a = lc.toOutput(cam) as CamOutput;
    const b = lc.toOutput(cam) as CamOutput;
    assert.deepEqual(decodeRequestId(a.requestId!), { wav, model: modelDir });
    assert.notEqual(a.requestId, b.requestId, 'two views of one recording have their own ids');
  });

  it('gives no requestId when the log-mel did not come from a file', async () => {
    const audio = await lc.readWav(wav);
    const logMel = lc.logMelFromAudio(audio, model.meta.featureParams, 'x.wav');
    const cam = await lc.recordingCam(camModel(), logMel, { layers: [model.meta.convLayers.at(-1)!] });
    assert.equal((lc.toOutput(cam) as CamOutput).requestId, undefined);
  });
});
