"""Evidence per answer: links and files backing an answer, their checks, storage and pages."""
