import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Scope from "effect/Scope"

/**
 * Transactions that must not commit, by connection: the depth of the outermost part holding writes a failed step
 * could not undo by itself (an append inside a transaction takes no savepoint of its own, see `doom`).
 */
const doomed = new WeakMap<Connection, number>()

/**
 * Marks the open transaction (if any) as unable to commit: a step inside it failed after writing part of what it
 * meant to write, without a savepoint of its own. Rolling back to a savepoint taken before that part lifts the
 * mark; otherwise the outermost `COMMIT` becomes a `ROLLBACK` and fails, so that a caller who caught the step's
 * failure and went on never commits half of the step.
 * @internal
 */
export const doom: Effect.Effect<void> = Effect.map(
  Effect.serviceOption(SqlClient.TransactionConnection),
  (tx) => {
    if (tx._tag === "None") return
    const [conn, depth] = tx.value
    const current = doomed.get(conn)
    if (current === undefined || depth < current) doomed.set(conn, depth)
  }
)

const lifted = (conn: Connection, depth: number) => {
  const d = doomed.get(conn)
  if (d !== undefined && d >= depth) doomed.delete(conn)
}

/**
 * A reentrant transaction on `@effect/sql`'s connection tag, so every statement inside runs on the transaction's
 * connection: the outermost call begins with the dialect's statement (`BEGIN IMMEDIATE` on SQLite), nested calls
 * use savepoints, and a failure rolls back to where it started. Unlike the client's own `withTransaction`, a
 * failed `COMMIT` is a typed `SqlError`, not a defect; and the transaction statements are prepared once and
 * cached, not prepared anew for every transaction.
 * @internal
 */
export const makeWithTransaction =
  (sql: SqlClient.SqlClient, begin: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | SqlError, R> =>
    Effect.uninterruptibleMask((restore) =>
      Effect.withFiberRuntime<A, E | SqlError, R>((fiber) => {
        const context = fiber.currentContext
        const current = Context.getOption(context, SqlClient.TransactionConnection)
        const run = (conn: Connection, depth: number): Effect.Effect<Exit.Exit<A, E>, never, R> =>
          Effect.exit(
            Effect.locally(
              restore(effect),
              FiberRef.currentContext,
              Context.add(context, SqlClient.TransactionConnection, [conn, depth])
            )
          )
        if (current._tag === "Some") {
          const [conn, depth] = current.value
          const name = `fq_sp_${depth + 1}`
          return Effect.zipRight(
            conn.execute(`SAVEPOINT ${name}`, [], undefined),
            Effect.flatMap(run(conn, depth + 1), (exit): Effect.Effect<A, E | SqlError> =>
              Exit.isSuccess(exit)
                ? Effect.as(conn.execute(`RELEASE SAVEPOINT ${name}`, [], undefined), exit.value)
                // a savepoint that cannot be rolled back to (the connection died) fails the whole transaction
                : Effect.zipRight(
                  Effect.tap(
                    conn.execute(`ROLLBACK TO SAVEPOINT ${name}`, [], undefined),
                    () => lifted(conn, depth + 1)
                  ),
                  exit
                ))
          )
        }
        return Effect.flatMap(Scope.make(), (scope) =>
          Scope.extend(sql.reserve, scope).pipe(
            Effect.flatMap((conn) =>
              Effect.zipRight(
                conn.execute(begin, [], undefined),
                Effect.flatMap(run(conn, 0), (exit): Effect.Effect<A, E | SqlError> =>
                  // `delete` also clears the mark for the connection's next transaction
                  doomed.delete(conn) && Exit.isSuccess(exit)
                    ? Effect.zipRight(
                      Effect.ignore(conn.execute("ROLLBACK", [], undefined)),
                      Effect.fail(
                        new SqlError({
                          message: "the transaction was rolled back: a write inside it failed half-done and the " +
                            "transaction went on (see CaseStore.append)"
                        })
                      )
                    )
                    : Exit.isSuccess(exit)
                    ? conn.execute("COMMIT", [], undefined).pipe(
                      Effect.as(exit.value),
                      Effect.tapError(() => Effect.ignore(conn.execute("ROLLBACK", [], undefined)))
                    )
                    : Effect.zipRight(Effect.ignore(conn.execute("ROLLBACK", [], undefined)), exit))
              )
            ),
            Effect.onExit((exit) => Scope.close(scope, exit))
          ))
      })
    )
