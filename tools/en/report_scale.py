"""English of the split between the report workbook and the raw data (admin/exports.py,
templates/admin/_downloads.html)."""

EN = {
    "Excel (các bảng số liệu)": "Excel (report tables)",
    "Dữ liệu thô (Excel)": "Raw data (Excel)",
    "Dữ liệu thô (CSV)": "Raw data (CSV)",
}
