// The band-cutoff control: a slider over the cutoffs the output's model (or family) answers. A cutoff with
// a variant in the view (the output's own, a family's precomputed rung, a what-if computed before) switches
// at once; any other asks the host, on release, for the what-if (the same model with the bands above
// masked), labelled as such. Without a host the control says the what-if needs the kernel.
import type { CamOutput } from '../../../kernels/shared/outputTypes';
import { bandCutoffLabel, type BandCutoffHz } from '../../../kernels/shared/cutoff';
import { el } from '../dom';
import { formatHz } from '../scales';
import { slider } from '../widgets';
import { cutoffRange, keptAt, variantLabel } from './cutoffs';
import type { Control, ControlHost, ViewData } from './part';

const STEP_HZ = 10;
/** A what-if is asked for once the slider rests this long (arrow keys fire a change per step). */
const ASK_AFTER_MS = 300;

/** The class the variant shown favours over the recording, with its mean probability. */
function favoured({ output }: ViewData): string {
  const n = Math.max(1, output.probabilities.length);
  const mean = output.classes.map((_, c) => output.probabilities.reduce((s, p) => s + (p[c] ?? 0), 0) / n);
  const top = mean.indexOf(Math.max(...mean));
  return `predicts ${output.classes[top]} (mean p ${mean[top].toFixed(2)})`;
}

export function bandCutoffControl(host: ControlHost, output: CamOutput): Control {
  const { cutoffs } = host.view();
  const { lo, hi, fullHz } = cutoffRange(output, cutoffs.variants);
  const min = Math.floor(lo / STEP_HZ) * STEP_HZ + STEP_HZ;
  const max = Math.floor(hi / STEP_HZ) * STEP_HZ;
  const valueOf = (hz: BandCutoffHz) => (hz === null ? max : Math.min(max, Math.max(min, Math.round(hz / STEP_HZ) * STEP_HZ)));
  const cutoffOf = (v: number): BandCutoffHz => (fullHz !== null && v >= max ? null : v);
  const format = (v: number) => (cutoffOf(v) === null ? 'full band' : formatHz(v));
  const chosen = () => host.view().state.bandCutoffHz ?? host.view().cutoffs.shown.bandCutoffHz;
  const s = slider('Band cutoff', min, max, STEP_HZ, valueOf(chosen()), format, (v) => host.set({ bandCutoffHz: cutoffOf(v) }), 'band-cutoff');
  // Tick marks at the cutoffs the output answers without the kernel.
  const ticks = el('datalist', { id: `${s.input.id}-rungs` });
  for (const v of cutoffs.variants) ticks.append(el('option', { value: String(valueOf(v.bandCutoffHz)) }));
  s.input.setAttribute('list', ticks.id);
  const mode = el('span', { class: 'lc-cutoff-mode', 'aria-live': 'polite' });
  s.wrapper.append(ticks, mode);

  const ask = () => {
    const { state, cutoffs: now } = host.view();
    if (!now.pending || state.bandCutoffHz === undefined || state.bandCutoffHz === null) return;
    if (host.link.disabledReason || !output.requestId) return;
    host.busy(`Computing the what-if at ${bandCutoffLabel(state.bandCutoffHz)}: model ${now.shown.modelId} with the bands above masked…`);
    host.link.post({ type: 'cutoffWhatIf', requestId: output.requestId, bandCutoffHz: state.bandCutoffHz, method: output.method });
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  s.input.addEventListener('input', () => clearTimeout(timer));
  s.input.addEventListener('change', () => {
    clearTimeout(timer);
    timer = setTimeout(ask, ASK_AFTER_MS);
  });

  return {
    element: s.wrapper,
    reads: ['bandCutoffHz', 'output'],
    dispose: () => clearTimeout(timer),
    draw(v) {
      const want = v.state.bandCutoffHz ?? v.cutoffs.shown.bandCutoffHz;
      const position = valueOf(want);
      if (Number(s.input.value) !== position && document.activeElement !== s.input) s.input.value = String(position);
      s.output.textContent = format(Number(s.input.value));
      if (!v.cutoffs.pending) {
        mode.textContent = `${variantLabel(v.cutoffs.shown)} · ${favoured(v)}`;
        mode.dataset.mode = v.cutoffs.shown.cutoffMode;
        return;
      }
      const kept = keptAt(v.output, want ?? null);
      const reason = host.link.disabledReason ?? (output.requestId ? null : 'this output names no recording to recompute');
      mode.dataset.mode = 'pending';
      mode.textContent = reason
        ? `No model in this output keeps these ${kept} bands; the what-if (the same model, the bands above masked) needs the kernel: ${reason}. Showing ${variantLabel(v.cutoffs.shown).toLowerCase()}.`
        : `What-if at ${bandCutoffLabel(want ?? null)} (occlusion, not retrained): release the slider to compute it. Showing ${variantLabel(v.cutoffs.shown).toLowerCase()} meanwhile.`;
    },
  };
}
