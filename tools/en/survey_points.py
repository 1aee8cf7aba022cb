"""English of the survey editor's, the points page's and the admin layout's skip link msgids
(admin/forms.py survey section, admin/surveys.py, admin/points.py, templates/admin/survey_edit.html,
templates/admin/points.html, templates/admin/layout.html)."""

EN = {
    # The survey editor
    "Không tính vào bảng điểm thi đua": "Not counted on the score sheet",
    "Mục 5: Chất lượng tiếp dân": "Item 5: quality of citizen reception",
    "Mục 6: Công sở và cán bộ": "Item 6: office and staff",
    "Nhãn này trùng với một dòng khác.": "This label is the same as another row's.",
    "Nhãn ngắn (tiếng Việt)": "Short label (Vietnamese)",
    "Nhãn ngắn (tiếng Anh)": "Short label (English)",
    "Câu hỏi (tiếng Việt)": "Question (Vietnamese)",
    "Câu hỏi (tiếng Anh)": "Question (English)",
    "Không gắn yếu tố SIPAS": "No SIPAS element",
    "Chọn một yếu tố SIPAS trong danh sách.": "Choose a SIPAS element from the list.",
    "Đo mục nào của bảng điểm thi đua": "Score sheet item it measures",
    "Chọn một mục trong danh sách.": "Choose an item from the list.",
    "Bắt buộc trả lời": "Answer required",
    "Lý do (tiếng Việt)": "Reason (Vietnamese)",
    "Lý do (tiếng Anh)": "Reason (English)",
    "Kiểm tra các tiêu chí: mỗi tiêu chí cần nhãn (không trùng) và câu hỏi; "
    "cần ít nhất một tiêu chí bắt buộc (câu chính).": "Check the criteria: each needs a label (not used twice) "
    "and a question; at least one criterion must be required (the main question).",
    "Kiểm tra các lý do: mỗi lý do cần nhãn, không trùng nhau.": "Check the reasons: each needs a label, "
    "none used twice.",
    "Phiếu cần ít nhất một tiêu chí: bấm “Thêm tiêu chí”.": "The survey needs at least one criterion: "
    "press “Add a criterion”.",
    "Đánh dấu “Bắt buộc trả lời” cho ít nhất một tiêu chí (câu hỏi chính của phiếu).": "Tick “Answer required” "
    "for at least one criterion (the survey's main question).",
    "Đưa “%(name)s” lên": "Move “%(name)s” up",
    "Lên": "Up",
    "Đưa “%(name)s” xuống": "Move “%(name)s” down",
    "Xuống": "Down",
    "Xoá “%(name)s”": "Remove “%(name)s”",
    "Lưu sẽ tạo phiên bản mới, chưa áp dụng; các câu trả lời cũ giữ nguyên phiên bản của chúng. "
    "Các nút thêm, xoá, đổi thứ tự chỉ sắp xếp lại biểu mẫu, chưa lưu gì.": "Saving makes a new version, not yet "
    "applied; earlier answers keep their own version. The add, remove and move buttons only rearrange the form; "
    "nothing is saved until you save.",
    "Mỗi tiêu chí là một câu hỏi người dân chấm theo thang đo, theo thứ tự dưới đây; tiêu chí bắt buộc đầu tiên "
    "là câu hỏi chính. Câu hỏi tiếng Anh hiện khi người dân chọn English; để trống thì hiện tiếng Việt.": "Each "
    "criterion is a question citizens score on the scale, in the order below; the first required criterion is the "
    "main question. The English question is shown when a citizen chooses English; left empty, the Vietnamese one "
    "is shown.",
    "SIPAS là Chỉ số hài lòng của người dân, tổ chức đối với sự phục vụ của cơ quan hành chính nhà nước; "
    "gắn yếu tố SIPAS để so sánh với kết quả đo SIPAS.": "SIPAS is the national index of citizens' and "
    "organisations' satisfaction with public administrative services; tag a SIPAS element to compare with SIPAS "
    "results.",
    "Tiêu chí %(n)d": "Criterion %(n)d",
    "Thêm tiêu chí": "Add a criterion",
    "Người dân chấm thấp được mời chọn một vài lý do trong danh sách này.": "Citizens who give a low score are "
    "invited to pick a few reasons from this list.",
    "Lý do %(n)d": "Reason %(n)d",
    "Thêm lý do": "Add a reason",
    # The points page
    "%(unit)s chưa có điểm tiếp nhận nào đang hoạt động để in áp phích.": "%(unit)s has no active reception "
    "point to print posters for.",
    "Tìm theo tên, mã điểm hoặc tên đơn vị": "Search by name, point code or unit name",
    "Tất cả đơn vị": "All units",
    "Tìm": "Search",
    "Bỏ lọc": "Clear filters",
    "Tìm thấy %(n)s điểm tiếp nhận; trang %(page)d / %(pages)d.": "%(n)s reception points found; "
    "page %(page)d of %(pages)d.",
    "Không có điểm tiếp nhận nào khớp với điều kiện tìm.": "No reception point matches the search.",
    "In tất cả áp phích của đơn vị (PDF)": "Print all the unit's posters (PDF)",
    "Một trang A4 cho mỗi điểm đang hoạt động của %(unit)s.": "One A4 page for each active point of %(unit)s.",
    "Chọn một đơn vị để in tất cả áp phích của đơn vị trong một tệp PDF.": "Choose a unit to print all its posters "
    "in one PDF file.",
    # The admin layout
    "Bỏ qua, đến nội dung chính": "Skip to main content",
}
