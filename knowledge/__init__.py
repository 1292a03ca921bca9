"""The knowledge base: load documents, chunk them, embed them, store them in Chroma, search.

Import cost matters: this package's ``__init__`` imports nothing heavy. chromadb,
onnxruntime, tokenizers, pypdf and bs4 are imported only inside the functions that use them.
"""
