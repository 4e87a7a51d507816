import * as FiberRef from "effect/FiberRef"

/**
 * Told the result of a command once it is committed and its afterCommit hooks are done, before the command's
 * effect returns. The Promise API sets it, so that an abort arriving after the commit cannot turn a command that
 * stands into `Aborted`: from that point the rest of `execute` runs uninterruptibly, but leaving that region
 * delivers the pending interruption and the effect's own result is lost.
 * @internal
 */
export const committedResult: FiberRef.FiberRef<((result: unknown) => void) | undefined> = FiberRef.unsafeMake<
  ((result: unknown) => void) | undefined
>(undefined)
