// Calls that must reach the functions in the order the advisor made them.
//
// Two availability clicks in quick succession ("Online", then "Pauze") were two
// independent requests: the functions could store them in one order and the
// console apply their answers in the other, leaving the console showing
// "Online" while the advisor was paused (and "Aannemen" refused). Running them
// one after another makes the order of storing and of showing the same.

/** A runner that starts each task only after the previous one has settled. */
export function inOrder(): <T>(task: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve()
  return <T>(task: () => Promise<T>): Promise<T> => {
    const next = last.then(task, task)
    // A failed task must not stop the ones after it; its caller sees the failure.
    last = next.catch(() => undefined)
    return next
  }
}
