"""Statistical methods: intervals, comparisons, SPC and RAG — small functions, cited, vectorised."""
