/**
 * The batch's progress on stderr: a bar redrawn in place on a terminal, a line per step of 10 %
 * otherwise (logs, CI), with throughput in recordings per minute and the time left.
 */
export class ProgressBar {
  private done = 0;
  private readonly started = Date.now();
  private lastTenth = -1;

  constructor(private readonly total: number, private readonly already: number, private readonly out: NodeJS.WriteStream = process.stderr) {}

  /** `n` more recordings done. */
  add(n = 1): void {
    this.done += n;
    this.draw();
  }

  finish(): void {
    if (this.out.isTTY) this.out.write('\n');
  }

  /** Recordings per minute so far (this run's, not those done before). */
  get perMinute(): number {
    const minutes = (Date.now() - this.started) / 60_000;
    return minutes > 0 ? this.done / minutes : 0;
  }

  private draw(): void {
    const count = this.already + this.done;
    const share = this.total ? count / this.total : 1;
    const rate = this.perMinute;
    const left = rate > 0 ? (this.total - count) / rate : NaN;
    const eta = Number.isFinite(left) && count < this.total ? `, ${left < 1 ? '<1' : Math.round(left)} min left` : '';
    const text = `${count}/${this.total} recordings (${(100 * share).toFixed(0)} %), ${rate.toFixed(1)}/min${eta}`;
    if (this.out.isTTY) {
      const width = 30;
      const full = Math.round(share * width);
      this.out.write(`\r[${'#'.repeat(full)}${'.'.repeat(width - full)}] ${text}\x1b[K`);
    } else {
      const tenth = Math.floor(share * 10);
      if (tenth === this.lastTenth && count !== this.total) return;
      this.lastTenth = tenth;
      this.out.write(`progress: ${text}\n`);
    }
  }
}
