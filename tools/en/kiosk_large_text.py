"""English of the kiosk's large-text button."""

EN = {
    "Chữ lớn": "Larger text",
}
