/** One benchmarked operation: `op` runs once per iteration; the runner prints ns/op. */
export interface BenchCase {
  /** Table group, e.g. 'counter add' or 'per packet'. */
  readonly group: string;
  readonly name: string;
  readonly op: () => void;
}
