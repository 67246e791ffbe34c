"""The embedded store (SQLite): every SQL statement of the product lives in this package."""
