"""English of the msgids added for the official documents (issue 11, item 1)."""

EN = {
    "Tải DOCX": "Download DOCX",
    "DOCX của khối, cụm": "DOCX of the group",
}
