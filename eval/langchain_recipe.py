"""The baseline a developer writes first: split raw text 1000/200, Chroma, top-4 similarity.

It reads files the plain way (pypdf page text, python-docx paragraphs, raw CSV lines,
openpyxl cell values) without Planwerk's cleaning or structure-aware chunking, and uses the
same embedder as Planwerk so that only the recipe differs.
"""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.index.embedders import Embedder
from assistant.models import RetrievedChunk, SourceRef


class EncoderEmbeddings(Embeddings):
    """LangChain's `Embeddings` interface on Planwerk's embedder: the recipe uses the same
    vectors as Planwerk, while Planwerk itself never imports LangChain for them."""

    def __init__(self, encoder: Embedder) -> None:
        self.encoder = encoder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encoder.encode_queries([text])[0].tolist()


def _pdf_pages(path: Path) -> list[Document]:
    from pypdf import PdfReader

    reader = PdfReader(path)
    return [
        Document(page.extract_text() or "", metadata={"source": path.name, "page": i + 1})
        for i, page in enumerate(reader.pages)
    ]


def _docx(path: Path) -> list[Document]:
    import docx

    text = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    return [Document(text, metadata={"source": path.name})]


def _csv(path: Path) -> list[Document]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    return [Document(text, metadata={"source": path.name})]


def _xlsx(path: Path) -> list[Document]:
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    documents = []
    for sheet in workbook.worksheets:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        for row in sheet.iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in row])
        documents.append(
            Document(buffer.getvalue(), metadata={"source": path.name, "sheet": sheet.title})
        )
    return documents


_LOADERS = {".pdf": _pdf_pages, ".docx": _docx, ".csv": _csv, ".xlsx": _xlsx}


def load_plain(folder: Path) -> list[Document]:
    documents = []
    for path in sorted(folder.iterdir()):
        loader = _LOADERS.get(path.suffix.lower())
        if loader:
            documents.extend(loader(path))
        elif path.suffix.lower() in {".md", ".txt"}:
            documents.append(Document(path.read_text("utf-8"), metadata={"source": path.name}))
    return documents


class LangChainRecipe:
    """RecursiveCharacterTextSplitter(1000, 200) + Chroma similarity search, k=4."""

    k = 4

    def __init__(self, folder: Path, embedder: Embedder) -> None:
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        splits = splitter.split_documents(load_plain(folder))
        # In memory, as the recipe is usually first written; a fresh name per build keeps
        # two builds in one process (two embedders) apart.
        self.store = Chroma.from_documents(
            splits,
            EncoderEmbeddings(embedder),
            collection_name=f"langchain-recipe-{uuid.uuid4().hex[:8]}",
        )
        self.chunk_count = len(splits)

    def search(self, query: str) -> list[RetrievedChunk]:
        results = self.store.similarity_search_with_score(query, k=self.k)
        return [
            RetrievedChunk(
                chunk_id=f"lc-{i}",
                text=doc.page_content,
                ref=SourceRef(
                    doc_id="",
                    source=doc.metadata["source"],
                    title=doc.metadata["source"],
                    page=doc.metadata.get("page"),
                    sheet=doc.metadata.get("sheet"),
                ),
                metadata={},
                score=-float(distance),
            )
            for i, (doc, distance) in enumerate(results)
        ]
