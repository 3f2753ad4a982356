"""One loader per file format; each turns a file into a LoadedDocument of blocks."""
