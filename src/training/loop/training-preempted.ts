/**
 * Thrown by the training loop when `shouldPreempt()` answers true, after the loop has handed
 * its state to the checkpoint hook: the job is to be handed back to the queue, not failed.
 */
export class TrainingPreempted extends Error {
  /** The epoch that was running when training stopped. */
  readonly epoch: number;

  constructor(epoch: number) {
    super(`Training was preempted during epoch ${epoch}; it resumes from its checkpoint.`);
    this.name = 'TrainingPreempted';
    this.epoch = epoch;
  }
}
