"""Foreign-labour permits to employers (seed 000; DOMAIN.md §5), beside the labour-immigrant permit.

One file a concern: ``rules`` (the act's steps and terms as data), ``models`` (application, permit, the
Commission, fee payments, the service journal; imported by ``permits.models``), ``services`` (the only code
that changes them), ``documents`` (receipt, letter, protocol, permit, refusal, journal extract), ``admin``
(clerk screens), ``registration`` (``GET /api/v1/applications/{number}``). The API lives in
``permits/api/foreign_*.py``, the jobs in ``permits/tasks.py``.
"""
