import * as SqlClient from "@effect/sql/SqlClient"
import type { Connection } from "@effect/sql/SqlConnection"
import type { SqlError } from "@effect/sql/SqlError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Scope from "effect/Scope"

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
                : Effect.zipRight(conn.execute(`ROLLBACK TO SAVEPOINT ${name}`, [], undefined), exit))
          )
        }
        return Effect.flatMap(Scope.make(), (scope) =>
          Scope.extend(sql.reserve, scope).pipe(
            Effect.flatMap((conn) =>
              Effect.zipRight(
                conn.execute(begin, [], undefined),
                Effect.flatMap(run(conn, 0), (exit): Effect.Effect<A, E | SqlError> =>
                  Exit.isSuccess(exit)
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
