import type { SrtStats } from '../stats.js';
import type { SrtLiveTransmitReport } from './report.js';

/**
 * Parses srt-live-transmit's `-pf:csv` lines. The header names the libsrt fields, except `Timepoint`,
 * `SocketID` and `Time` (msTimeStamp), and 1.5.1 prints `Time` twice: the first one is kept.
 */
export class CsvReportParser {
  #columns: (string | undefined)[] | undefined;

  /** A report for a data line; undefined for the header (remembered) or a line it cannot read. */
  parse(line: string): SrtLiveTransmitReport | undefined {
    const cells = line.trim().split(',');
    if (cells[0] === 'Timepoint') {
      this.#columns = headerColumns(cells);
      return undefined;
    }
    const columns = this.#columns;
    if (!columns) return undefined;
    let socketId: number | undefined;
    const stats: Record<string, number> = {};
    cells.forEach((text, i) => {
      const field = columns[i];
      if (field === undefined || text === '') return;
      const value = Number(text);
      if (!Number.isFinite(value)) return;
      if (field === 'SocketID') socketId = value;
      else stats[field] = value;
    });
    return socketId === undefined ? undefined : { socketId, stats: stats as SrtStats };
  }
}

function headerColumns(names: readonly string[]): (string | undefined)[] {
  const seen = new Set<string>();
  return names.map((name) => {
    const field = name === 'Time' ? 'msTimeStamp' : name === 'Timepoint' ? undefined : name;
    if (field === undefined || seen.has(field)) return undefined;
    seen.add(field);
    return field;
  });
}
