// The kernel client's pure parts: Jupyter message signing, and reading tslab's error reports.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode, encode, newMessage, sign } from '../../kernels/client/wire';
import { errorFromStderr } from '../../kernels/client/kernelErrors';

describe('Jupyter wire signing', () => {
  const key = 'a'.repeat(64);
  it('round-trips a message and signs header, parent, metadata and content with HMAC-SHA256', () => {
    const msg = newMessage('execute_request', { code: '1 + 1' }, 'session-1');
    const frames = encode(msg, key);
    assert.equal(frames[0].toString(), '<IDS|MSG>');
    assert.equal(frames[1].toString(), sign(key, frames.slice(2, 6)));
    const back = decode(frames, key);
    assert.deepEqual(back.content, { code: '1 + 1' });
    assert.equal(back.header.msg_type, 'execute_request');
  });

  it('rejects a tampered message and one signed with another key', () => {
    const frames = encode(newMessage('execute_request', { code: 'x' }, 's'), key);
    const tampered = [...frames];
    tampered[5] = Buffer.from(JSON.stringify({ code: 'process.exit()' }));
    assert.throws(() => decode(tampered, key), /signature/);
    assert.throws(() => decode(frames, 'b'.repeat(64)), /signature/);
  });
});

describe("reading tslab's error reports", () => {
  it('TypeScript diagnostics keep their line and column', () => {
    const e = errorFromStderr("2:4 - Property 'x' does not exist on type 'typeof import(\"lungcam\")'.\n3:7 - Type 'string' is not assignable to type 'number'.\n");
    assert.equal(e.ename, 'TypeScript');
    assert.deepEqual(e.diagnostics.map((d) => [d.line, d.column]), [[2, 4], [3, 7]]);
  });

  it('a runtime error keeps the cell frames and drops tslab and Node internals', () => {
    const e = errorFromStderr(
      'evalmachine.<anonymous>:2\nthrow new Error("boom");\n^\n\nTypeError: boom\n    at explode (evalmachine.<anonymous>:2:7)\n    at sigintHandlersWrap (node:vm:280:12)\n    at Object.execute (/x/node_modules/tslab/dist/executor.js:160:38)\n',
    );
    assert.deepEqual([e.ename, e.evalue], ['TypeError', 'boom']);
    assert.deepEqual(e.traceback, ['at explode (evalmachine.<anonymous>:2:7)']);
  });

  it('an interrupt is reported as such, with no stack', () => {
    const e = errorFromStderr("Error: Script execution was interrupted by `SIGINT`\n    at x\n{ code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED' }");
    assert.deepEqual([e.ename, e.traceback], ['Interrupted', []]);
  });
});
