/** Runs the filter-gradient kernel (single thread for now). */
import { filterGradRange, type FilterGradShape } from './convFilterGrad';

type Fn = Parameters<typeof filterGradRange>[0];

export function runFilterGrad(memory: WebAssembly.Memory, fn: Fn, x: number, dy: number, out: number, s: FilterGradShape): void {
  void memory;
  filterGradRange(fn, x, dy, out, s, 0, s.outChannels);
}
