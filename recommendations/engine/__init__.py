"""Offline recommendation engine: plain functions over numpy/scipy arrays, no Django.

Callers (management commands, Celery tasks) build the arrays from the Review and Movie tables and pass
them in; nothing here touches the database.

- ``interactions``: raw ids to contiguous indices, the user x item CSR matrix, MovieLens loaders.
- ``splits``: per-user random and temporal train/test splits.
- ``ranking``: exact top-k per row and top-k over a user's unseen items.
- ``neighbours``: chunked top-K cosine neighbours of sparse rows.
- ``popularity``, ``item_knn``, ``user_knn``, ``ease``: collaborative models.
- ``content``: TF-IDF movie documents and their nearest neighbours.
- ``metrics``: precision, recall, NDCG, MAP at k and catalogue coverage.
- ``evaluation``: fit every model on a split, score it, tune EASE's L2 on a validation split.
"""
