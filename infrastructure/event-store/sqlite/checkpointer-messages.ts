/** What the checkpointer thread and the stores of its process say to each other. */
export type ToCheckpointer =
  /** `counter` is bumped by the store after each commit: a changed count means there are pages to copy. */
  | { readonly kind: 'watch'; readonly id: number; readonly file: string; readonly counter: Int32Array }
  | { readonly kind: 'release'; readonly id: number };

export type FromCheckpointer = { readonly kind: 'released'; readonly id: number };
