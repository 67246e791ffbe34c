"""Files in: one door (readers) for every file a user hands in, then column mapping, value parsing, privacy filtering and the importer that ties them into a report."""
