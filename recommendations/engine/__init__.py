"""The recommender's maths: plain functions over numpy/scipy arrays, no Django.

What builds and serves recommendations uses these; the offline evaluation (``recommendations.evaluation``)
uses them too, never the other way round. Callers (the builders, management commands, Celery tasks) build the
arrays from the Review and Movie tables and pass them in; nothing here touches the database.

- ``interactions``: raw ids to contiguous indices, the user x item CSR matrix, MovieLens loaders.
- ``ranking``: exact top-k per row and top-k over a user's unseen items.
- ``neighbours``: chunked top-K cosine neighbours of sparse rows.
- ``ease``, ``item_knn``: the collaborative models (EASE up to a catalogue size, item kNN above it).
- ``content``: TF-IDF movie documents and their nearest neighbours.
- ``hybrid``: blending collaborative and content scores by how many reviews a user has.
"""
