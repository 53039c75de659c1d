"""`python -m pipeline.documents.builder`: rewrite templates/ and the built-in digests."""

from pipeline.documents.builder.build import main

raise SystemExit(main())
