"""MovieLens 100k: the file reader (plain Python, shared with the offline evaluation) and the database writer."""
