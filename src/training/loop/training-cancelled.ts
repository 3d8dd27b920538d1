/** Thrown by the training loop when `shouldStop()` answers true; the job ends as cancelled. */
export class TrainingCancelled extends Error {
  /** The epoch that was running when training stopped. */
  readonly epoch: number;

  constructor(epoch: number) {
    super(`Training was cancelled during epoch ${epoch}.`);
    this.name = 'TrainingCancelled';
    this.epoch = epoch;
  }
}
