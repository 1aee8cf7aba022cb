"""English of the msgids added by the language pass over the admin screens (issue 11)."""

EN = {
    # templates/admin/competition_periods.html: the import help, column names shown as <code>
    "Tệp .csv (UTF-8) hoặc .xlsx có dòng tiêu đề; tên cột giữ nguyên như dưới đây. "
    "Tệp có lỗi thì không có gì được lưu.": (
        "A .csv (UTF-8) or .xlsx file with a header row; keep the column names exactly as below. "
        "If the file has an error, nothing is saved."
    ),
    "Số liệu mục 1–3 Văn phòng đã nhận (ghi là đã thẩm định), các cột:": (
        "Figures of items 1–3 received by the Office (recorded as reviewed), columns:"
    ),
    "Hồ sơ một cửa cho mục 3, các cột:": "One-stop-shop dossiers for item 3, columns:",
    # admin/forms.py: the kinds of competition import
    "Số liệu mục 1–3 đã thẩm định": "Reviewed figures of items 1–3",
    "Hồ sơ một cửa cho mục 3": "One-stop-shop dossiers for item 3",
    # templates/admin/competition_settings.html: the classes, an example line shown as <code>
    "Mỗi dòng một loại: mã | tên loại | điểm tối thiểu, từ cao xuống thấp; đơn vị đạt từ điểm tối thiểu "
    "của dòng nào thì thuộc loại đó; dòng cuối để trống điểm tối thiểu. Ví dụ:": (
        "One class per line: code | class name | minimum score, from the highest to the lowest; a unit "
        "reaching a line's minimum score is in that class; leave the last line's minimum empty. Example:"
    ),
    # app.py: the error pages (their messages are now extracted)
    "Yêu cầu không hợp lệ.": "Invalid request.",
    "Cần đăng nhập hoặc mã truy cập hợp lệ.": "Sign in or use a valid access token.",
    "Bạn không có quyền xem trang này.": "You are not allowed to see this page.",
    "Không tìm thấy trang này.": "Page not found.",
    "Phương thức không được hỗ trợ.": "Method not supported.",
    "Mã này đã được dùng hoặc đã hết hạn.": "This code has already been used or has expired.",
    "Dữ liệu gửi lên quá lớn.": "The data sent is too large.",
    "Quá nhiều yêu cầu. Vui lòng thử lại sau ít phút.": "Too many requests. Please try again in a few minutes.",
    "Đã có lỗi xảy ra. Vui lòng thử lại.": "Something went wrong. Please try again.",
    "Dịch vụ tạm thời gián đoạn.": "The service is temporarily unavailable.",
}
