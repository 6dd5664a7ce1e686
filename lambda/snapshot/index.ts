// Placeholder while the handler is being written (issue 2); replaced by the real handler.
export async function handler(): Promise<never> {
  throw new Error('atlas-snapshot-scheduler handler is not built yet');
}
