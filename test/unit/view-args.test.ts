// A requestId and a renderer message come from a notebook file anyone could have written: what reaches
// the `lungcam view` command line is checked, given as --name=value, and the recording follows `--`.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeRequestId, encodeRequestId } from '../../kernels/shared/requestId';
import { viewArgs } from '../../kernels/shared/viewArgs';
import { buildProgram } from '../../kernels/cli/run';
import { register } from '../../kernels/cli/view';

const forged = (v: unknown) => 'lungcam-view:' + Buffer.from(JSON.stringify(v)).toString('base64url');

describe('requestId from a notebook output', () => {
  it('decodes what LungCAM encodes', () => {
    const source = { wav: '/data/rec 1.wav', model: '/models/baseline' };
    assert.deepEqual(decodeRequestId(encodeRequestId({ ...source, key: 'k' })), source);
  });

  it('refuses ids whose paths could act as options or are not a recording', () => {
    for (const bad of [
      forged({ wav: '--out=/home/me/.bashrc', model: '/m' }),
      forged({ wav: '/r.wav', model: '--help' }),
      forged({ wav: 'relative.wav', model: '/m' }),
      forged({ wav: '/etc/passwd', model: '/m' }),
      forged({ wav: '/r\x1b]0;x\x07.wav', model: '/m' }),
      forged({ wav: ['/r.wav'], model: '/m' }),
      'lungcam-view:not base64!',
      'lungcam-view:' + 'A'.repeat(20000),
      42,
    ]) {
      assert.equal(decodeRequestId(bad), undefined, String(bad).slice(0, 60));
    }
  });
});

describe('the view command line for a recomputation', () => {
  const source = { wav: '/data/-odd name.wav', model: '/models/--weird' };

  it('passes every value as --name=value and the recording after --, so none can be read as an option', async () => {
    const built = viewArgs(source, '/tmp/o/view.json', { method: 'gradcam++', bandCutoffHz: 1500, onlyCutoff: true, requestId: encodeRequestId(source), backend: 'wasm' });
    assert.ok('args' in built);
    assert.deepEqual(built.args.slice(-2), ['--', '/data/-odd name.wav']);
    // commander reads them back exactly
    let seen: { wav: string; opts: Record<string, unknown> } | undefined;
    const program = buildProgram([(p) => {
      register(p);
      p.commands.find((c) => c.name() === 'view')!.action((wav: string, opts: Record<string, unknown>) => { seen = { wav, opts }; });
    }], { stdout: () => undefined, stderr: () => undefined });
    await program.parseAsync(['node', 'lungcam', ...built.args]);
    assert.equal(seen!.wav, '/data/-odd name.wav');
    assert.equal(seen!.opts.model, '/models/--weird');
    assert.equal(seen!.opts.method, 'gradcam++');
    assert.equal(seen!.opts.cutoff, '1500', 'the band cutoff, as typed (checked against the model by the CLI)');
    assert.equal(seen!.opts.onlyCutoff, true);
  });

  it('refuses a method, cutoff or requestId that is not what LungCAM makes', () => {
    const base = { backend: 'wasm', requestId: encodeRequestId(source) };
    assert.ok('refused' in viewArgs(source, '/o.json', { ...base, method: '--out=/x' }));
    assert.ok('refused' in viewArgs(source, '/o.json', { ...base, method: 'gradcam; rm -rf ~' }));
    assert.ok('refused' in viewArgs(source, '/o.json', { ...base, bandCutoffHz: Number.NaN }));
    assert.ok('refused' in viewArgs(source, '/o.json', { ...base, bandCutoffHz: '1500' }));
    assert.ok('refused' in viewArgs(source, '/o.json', { ...base, requestId: 'lungcam-view:abc --model=/x' }));
  });
});
