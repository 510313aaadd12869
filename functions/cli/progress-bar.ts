/**
 * A transfer's progress on stderr: a bar redrawn in place on a terminal
 * (`[######----------]  38%  76.0 of 200.0 MiB`), and, where stderr is a
 * pipe or a file, a line only when a tenth more is done, so logs stay
 * short.
 */
export class ProgressBar {
  private lastTenth = -1;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly write: (text: string) => void,
    private readonly isTerminal: boolean,
  ) {}

  update(done: number, total: number, status: string): void {
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const line =
      `${this.label} ${bar(share)} ${percent(share)}  ` +
      `${mib(done)} of ${mib(total)}  ${status}`;

    if (this.isTerminal) {
      this.write(`\r${line}\u001b[K`);
      this.drawn = true;
      return;
    }
    const tenth = Math.floor(share * 10);
    if (tenth > this.lastTenth) {
      this.lastTenth = tenth;
      this.write(`${line}\n`);
    }
  }

  end(message: string): void {
    this.write(`${this.drawn ? '\r\u001b[K' : ''}${message}\n`);
  }
}

const WIDTH = 24;

const bar = (share: number) => {
  const full = Math.round(share * WIDTH);
  return `[${'#'.repeat(full)}${'-'.repeat(WIDTH - full)}]`;
};

const percent = (share: number) => `${Math.floor(share * 100)}%`.padStart(4);

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
