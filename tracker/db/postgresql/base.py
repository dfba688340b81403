"""Django's PostgreSQL backend with a health check that costs no round trip when the
connection is idle and quiet (settings: ENGINE "tracker.db.postgresql").

CONN_HEALTH_CHECKS made every request send `SELECT 1` before its first query: a round
trip of 0.2–0.6 ms on this deployment's VMs, on every page. A server that ends a
connection (restart, pg_terminate_backend, idle timeout) sends an error and closes its
end, so the socket of a connection that is idle between requests becomes readable. Only
then, or when the driver already knows the connection is bad, does this check ask the
server; a quiet socket is healthy. A connection cut silently (no FIN from a dead host)
still fails one request, as it would without health checks, and is then replaced.
"""

import select

from django.db.backends.postgresql import base as postgresql
from psycopg.pq import TransactionStatus


class DatabaseWrapper(postgresql.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != TransactionStatus.IDLE or not hasattr(
            select, "poll"
        ):
            return super().is_usable()  # mid-transaction or no poll(): ask the server
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLERR | select.POLLHUP)
        if not poller.poll(0):
            return True  # nothing from the server since the last result: still there
        return super().is_usable()  # an error, a goodbye or a notice: ask the server
