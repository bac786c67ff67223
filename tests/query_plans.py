"""What PostgreSQL would do with a query: its plan with sequential scans made as costly as possible, so that a plan
that still reads a whole table (or walks a whole index, filtering) has no index to search. Tables of a test are
small; without this, a scan of a few rows is cheaper than any index and the plan would say nothing."""

from django.db import connection, transaction
from django.db.models import QuerySet


def plan_without_seqscan(queryset: QuerySet) -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


def index_searched(plan: str, index: str) -> bool:
    """The plan searches ``index`` with a condition (an Index Cond), not just walks it."""
    lines = plan.splitlines()
    for number, line in enumerate(lines):
        if f" using {index} " in line.lower() or f" on {index} " in line.lower():
            details = []
            for following in lines[number + 1 :]:
                if "->" in following:
                    break
                details.append(following)
            if any("Index Cond:" in detail for detail in details):
                return True
    return False
