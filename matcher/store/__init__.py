"""The embedded store (SQLite): every SQL statement of the product lives in this package.

Layers, bottom up: ``records`` (JSON form of records), ``migrations`` (the versioned schema),
``connection`` (connections, transactions, migrations applied at start), ``scope`` (who may see
what: the WHERE clauses that scope rows to the acting user), ``audit`` (the append-only log).
One module per kind of data on top (``imports``, ``offers``, ``profiles``, ``suggestions``,
``decisions``, ``pool``, ``users``, ``purge``, ``reference``, ``secrets``), each a mixin class;
``database.Store`` assembles them. Add a query to the module of its kind; add a kind of data as
a new module and mixin, and its tables as a new migration at the end of ``MIGRATIONS``.
"""
