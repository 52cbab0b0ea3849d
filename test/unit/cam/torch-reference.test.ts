// Maps against an independent implementation of pytorch-grad-cam's conventions (base_cam.py and the method
// files, re-typed in PyTorch below: hooks on the target layer, raw-logit target, method weights, ReLU,
// per-image min-max, bilinear resize with half-pixel centres, multi-layer ReLU/mean/renormalise), on the
// benchmark reference net with the same weights. Skipped when Debian's python3 has no torch.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encodeNpy, decodeNpy } from '../../../kernels/engine/io/npy';
import { buildReferenceModel } from '../../../kernels/engine/model/model';
import { gradCam, patchMaps } from '../../../kernels/engine/cam/cam';
import { randomPatches, setupBackend } from './helpers';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch, numpy'], { encoding: 'utf8' }).status === 0;
const METHODS = ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam'];
const LAYER_SETS = [['conv3'], ['conv2'], ['conv2', 'conv3']];
const N = 3;
const BANDS = 32;

const SCRIPT = String.raw`
import sys, numpy as np, torch, torch.nn as nn, torch.nn.functional as F
d = sys.argv[1]
L = lambda n: torch.from_numpy(np.load(f'{d}/{n}.npy'))
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 32, 3, padding=1); self.c2 = nn.Conv2d(32, 64, 3, padding=1); self.c3 = nn.Conv2d(64, 128, 3, padding=1)
        self.r1, self.r2, self.r3 = nn.ReLU(), nn.ReLU(), nn.ReLU(); self.fc = nn.Linear(128, 4)
    def forward(self, x):
        x = F.max_pool2d(self.r1(self.c1(x)), 2); x = F.max_pool2d(self.r2(self.c2(x)), 2)
        return self.fc(self.r3(self.c3(x)).mean((2, 3)))
m = Net().eval()
with torch.no_grad():
    for i, c in enumerate([m.c1, m.c2, m.c3]):
        c.weight.copy_(L(f'k{i+1}').permute(3, 2, 0, 1)); c.bias.copy_(L(f'b{i+1}'))
    m.fc.weight.copy_(L('kd').t()); m.fc.bias.copy_(L('bd'))
x = L('x').permute(0, 3, 1, 2).contiguous()
layers = {'conv2': m.r2, 'conv3': m.r3}   # A = the conv block's ReLU output
def weights(method, a, g):
    if method == 'gradcam': return g.mean((2, 3))
    if method == 'gradcam++':
        g2 = g ** 2; g3 = g2 * g; s = a.sum((2, 3))[:, :, None, None]
        aij = g2 / (2 * g2 + s * g3 + 1e-6); aij = torch.where(g != 0, aij, torch.zeros_like(aij))
        return (torch.clamp(g, min=0) * aij).sum((2, 3))
    if method == 'xgradcam':
        s = a.sum((2, 3))[:, :, None, None]; return (g * a / (s + 1e-7)).sum((2, 3))
def cam_image(method, a, g):
    if method == 'hirescam': return (g * a).sum(1)
    if method == 'layercam': return (torch.clamp(g, min=0) * a).sum(1)
    return (weights(method, a, g)[:, :, None, None] * a).sum(1)
def scale(cam, size=None):
    out = []
    for img in cam:
        img = img - img.min(); img = img / (1e-7 + img.max())
        if size is not None: img = F.interpolate(img[None, None], size=size, mode='bilinear', align_corners=False)[0, 0]
        out.append(img)
    return torch.stack(out)
for method in sys.argv[2].split(','):
    for names in [s.split('+') for s in sys.argv[3].split(',')]:
        for c in range(4):
            acts, grads = {}, {}
            def hook(n):
                def save(mod, i, o):
                    acts[n] = o
                    o.register_hook(lambda g: grads.__setitem__(n, g))
                return save
            hs = [layers[n].register_forward_hook(hook(n)) for n in names]
            y = m(x); m.zero_grad(); y[:, c].sum().backward()
            for h in hs: h.remove()
            per_layer = [scale(torch.clamp(cam_image(method, acts[n].detach(), grads[n].detach()), min=0), (96, ${BANDS})) for n in names]
            cams = torch.stack(per_layer, 1)
            result = scale(torch.clamp(cams, min=0).mean(1)) if len(names) > 1 else cams[:, 0]
            np.save(f'{d}/out_{method}_{"+".join(names)}_{c}.npy', result.numpy().astype(np.float32))
`;

describe('maps agree with an independent PyTorch implementation of pytorch-grad-cam conventions', { skip: hasTorch ? false : 'no torch in /usr/bin/python3' }, () => {
  let dir: string;
  before(async () => {
    await setupBackend();
    dir = mkdtempSync(path.join(tmpdir(), 'lungcam-torchref-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it(`${METHODS.join(', ')} × layers ${LAYER_SETS.map((l) => l.join('+')).join(', ')} × 4 classes`, async () => {
    const model = buildReferenceModel(BANDS, 7);
    const patches = randomPatches(N, 96, BANDS, 21);
    const save = (name: string, t: tf.Tensor | Float32Array, shape?: number[]) => {
      const data = t instanceof Float32Array ? t : (t.dataSync() as Float32Array);
      writeFileSync(path.join(dir, `${name}.npy`), encodeNpy(data, shape ?? (t as tf.Tensor).shape));
    };
    [1, 2, 3].forEach((i) => {
      const [k, b] = model.getLayer(`conv${i}`).getWeights();
      save(`k${i}`, k);
      save(`b${i}`, b);
    });
    const [kd, bd] = model.getLayer('logits').getWeights();
    save('kd', kd);
    save('bd', bd);
    save('x', patches.data, [N, 96, BANDS, 1]);
    const r = spawnSync(PYTHON, ['-c', SCRIPT, dir, METHODS.join(','), LAYER_SETS.map((l) => l.join('+')).join(',')], { encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    let worst = 0;
    for (const method of METHODS) {
      for (const layers of LAYER_SETS) {
        const result = await gradCam(model, patches, { method, layers, classes: 'all' });
        for (let c = 0; c < 4; c++) {
          const ours = patchMaps(result, c, { layers });
          const ref = decodeNpy(readFileSync(path.join(dir, `out_${method}_${layers.join('+')}_${c}.npy`)));
          assert.deepEqual(ref.shape, [N, 96, BANDS]);
          for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - ref.data[i]));
          assert.ok(worst < 1e-4, `${method} ${layers.join('+')} class ${c}: max |difference| ${worst}`);
        }
      }
    }
    console.log(`largest difference from the PyTorch reference over every map: ${worst.toExponential(2)}`);
  });
});
