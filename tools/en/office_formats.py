"""English of the msgids added for issue 11 items 2–3 (names not codes, Vietnamese formats):
the audit log's sentences, unit kinds and roles, field names, date inputs, abbreviations."""

EN = {
    # Audit log sentences (admin/audit.py).
    "%(who)s đã sửa thông tin đơn vị %(unit)s": "%(who)s edited unit %(unit)s",
    "%(who)s đã chuyển %(unit)s từ %(old)s sang %(new)s": "%(who)s moved %(unit)s from %(old)s to %(new)s",
    "%(who)s đã gửi lời nhắc tới %(unit)s": "%(who)s sent a reminder to %(unit)s",
    "%(who)s đã tạo khối, cụm thi đua %(group)s": "%(who)s created competition group %(group)s",
    "%(who)s đã sửa khối, cụm thi đua %(group)s": "%(who)s edited competition group %(group)s",
    "%(who)s đã tạo điểm tiếp nhận %(point)s": "%(who)s created reception point %(point)s",
    "%(who)s đã đổi tên điểm tiếp nhận %(point)s": "%(who)s renamed reception point %(point)s",
    "%(who)s đã đổi mã QR của điểm tiếp nhận %(point)s": "%(who)s changed the QR code of reception point %(point)s",
    "%(who)s đã mở lại điểm tiếp nhận %(point)s": "%(who)s reopened reception point %(point)s",
    "%(who)s đã ngừng điểm tiếp nhận %(point)s": "%(who)s closed reception point %(point)s",
    "%(who)s đã tạo mã phiếu hẹn cho điểm tiếp nhận %(point)s": (
        "%(who)s created appointment slip codes for reception point %(point)s"
    ),
    "%(who)s đã tạo mã ghép máy tính bảng cho điểm tiếp nhận %(point)s": (
        "%(who)s created a tablet pairing code for reception point %(point)s"
    ),
    "%(who)s đã được ghép với điểm tiếp nhận %(point)s": "%(who)s was paired with reception point %(point)s",
    "%(who)s đã đổi tên máy tính bảng %(device)s": "%(who)s renamed tablet %(device)s",
    "%(who)s đã thu hồi máy tính bảng %(device)s": "%(who)s revoked tablet %(device)s",
    "%(who)s đã tạo tài khoản %(user)s": "%(who)s created account %(user)s",
    "%(who)s đã đổi thư điện tử của tài khoản %(user)s": "%(who)s changed the e-mail address of account %(user)s",
    "%(who)s đã cấp mật khẩu tạm cho tài khoản %(user)s": "%(who)s issued a temporary password to account %(user)s",
    "%(who)s đã mở khoá tài khoản %(user)s": "%(who)s unlocked account %(user)s",
    "%(who)s đã khoá tài khoản %(user)s": "%(who)s locked account %(user)s",
    "%(who)s đã đổi mật khẩu của mình": "%(who)s changed their password",
    "%(who)s đã đăng nhập": "%(who)s signed in",
    "%(who)s đã tạo khoá truy cập API": "%(who)s created an API access token",
    "%(who)s đã thu hồi khoá truy cập API": "%(who)s revoked an API access token",
    "%(who)s đã tạo đợt thi đua %(period)s": "%(who)s created competition period %(period)s",
    "%(who)s đã sửa cách chấm điểm của đợt thi đua %(period)s": (
        "%(who)s changed the scoring of competition period %(period)s"
    ),
    "%(who)s đã thêm một mốc vào đợt thi đua %(period)s": "%(who)s added a milestone to competition period %(period)s",
    "%(who)s đã xoá một mốc của đợt thi đua %(period)s": (
        "%(who)s deleted a milestone of competition period %(period)s"
    ),
    "%(who)s đã chốt kết quả %(stage)s của đợt thi đua %(period)s": (
        "%(who)s froze the %(stage)s results of competition period %(period)s"
    ),
    "%(who)s đã công bố kết quả %(stage)s của đợt thi đua %(period)s": (
        "%(who)s published the %(stage)s results of competition period %(period)s"
    ),
    "%(who)s đã thôi công bố kết quả %(stage)s của đợt thi đua %(period)s": (
        "%(who)s withdrew the publication of the %(stage)s results of competition period %(period)s"
    ),
    "%(who)s đã đề xuất về %(unit)s theo kết quả %(stage)s của đợt thi đua %(period)s": (
        "%(who)s made a proposal about %(unit)s from the %(stage)s results of competition period %(period)s"
    ),
    "%(who)s đã rút đề xuất về %(unit)s theo kết quả %(stage)s của đợt thi đua %(period)s": (
        "%(who)s withdrew the proposal about %(unit)s from the %(stage)s results of competition period %(period)s"
    ),
    "%(who)s đã nhập số liệu tự đánh giá mục %(item)s của %(unit)s (%(period)s)": (
        "%(who)s entered the self-assessment figure of item %(item)s for %(unit)s (%(period)s)"
    ),
    "%(who)s đã chấp nhận số liệu mục %(item)s của %(unit)s (%(period)s)": (
        "%(who)s accepted the figure of item %(item)s for %(unit)s (%(period)s)"
    ),
    "%(who)s đã điều chỉnh số liệu mục %(item)s của %(unit)s (%(period)s)": (
        "%(who)s adjusted the figure of item %(item)s for %(unit)s (%(period)s)"
    ),
    "%(who)s đã tải lên minh chứng mục %(item)s của %(unit)s (%(period)s)": (
        "%(who)s uploaded evidence for item %(item)s of %(unit)s (%(period)s)"
    ),
    "%(who)s đã cộng hoặc trừ điểm của %(unit)s (%(period)s)": (
        "%(who)s added a bonus or penalty for %(unit)s (%(period)s)"
    ),
    "%(who)s đã rút một khoản cộng, trừ điểm": "%(who)s withdrew a bonus or penalty",
    "%(who)s đã nhập danh sách đơn vị từ tệp %(file)s": "%(who)s imported units from file %(file)s",
    "%(who)s đã nhập danh sách điểm tiếp nhận từ tệp %(file)s": "%(who)s imported reception points from file %(file)s",
    "%(who)s đã nhập danh sách khối, cụm thi đua từ tệp %(file)s": (
        "%(who)s imported competition groups from file %(file)s"
    ),
    "%(who)s đã nhập số liệu tự đánh giá từ tệp %(file)s": (
        "%(who)s imported self-assessment figures from file %(file)s"
    ),
    "%(who)s đã nhập số hồ sơ từ tệp %(file)s": "%(who)s imported dossier counts from file %(file)s",
    "%(who)s đã đặt ngày %(day)s trong lịch làm việc": "%(who)s set %(day)s in the working calendar",
    "%(who)s đã bỏ ngày %(day)s khỏi lịch làm việc": "%(who)s removed %(day)s from the working calendar",
    "%(who)s đã nhập lịch làm việc từ tệp": "%(who)s imported the working calendar from a file",
    "%(who)s đã mở phản ánh số %(case)s": "%(who)s opened feedback case %(case)s",
    "%(who)s đã ghi nhận phản ánh số %(case)s": "%(who)s recorded feedback case %(case)s",
    "%(who)s đã chuyển phản ánh số %(case)s sang “%(status)s”": "%(who)s moved feedback case %(case)s to “%(status)s”",
    "%(who)s đã gửi thông báo về các phản ánh quá hạn": "%(who)s sent a notice about overdue feedback cases",
    "%(who)s đã tạo phiên bản mới của bảng câu hỏi (%(survey)s)": "%(who)s created a new survey version (%(survey)s)",
    "%(who)s đã áp dụng bảng câu hỏi %(survey)s": "%(who)s put survey %(survey)s into use",
    "%(who)s đã xoá thông tin liên hệ đã hết thời hạn lưu giữ": (
        "%(who)s erased contact details past their retention period"
    ),
    "%(who)s đã mở cảnh báo số %(alert)s": "%(who)s opened alert %(alert)s",
    "%(who)s đã xác nhận cảnh báo số %(alert)s": "%(who)s acknowledged alert %(alert)s",
    "%(who)s đã tạo quy tắc cảnh báo số %(rule)s": "%(who)s created alert rule %(rule)s",
    "%(who)s đã bật quy tắc cảnh báo số %(rule)s": "%(who)s turned on alert rule %(rule)s",
    "%(who)s đã tắt quy tắc cảnh báo số %(rule)s": "%(who)s turned off alert rule %(rule)s",
    "%(who)s đã bật chỉ số 30 ngày gần nhất trên trang công khai": (
        "%(who)s turned on the last-30-days index on the public page"
    ),
    "%(who)s đã tắt chỉ số 30 ngày gần nhất trên trang công khai": (
        "%(who)s turned off the last-30-days index on the public page"
    ),
    "%(who)s đã %(verb)s %(object)s %(target)s": "%(who)s %(verb)s %(object)s %(target)s",
    "%(who)s đã thực hiện một thao tác với %(object)s %(target)s": "%(who)s did something with %(object)s %(target)s",
    # Objects and verbs of the generic sentence.
    "đơn vị": "a unit",
    "khối, cụm thi đua": "a competition group",
    "điểm tiếp nhận": "a reception point",
    "máy tính bảng": "a tablet",
    "tài khoản": "an account",
    "khoá truy cập API": "an API access token",
    "đợt thi đua": "a competition period",
    "mốc": "a milestone",
    "kết quả thi đua": "competition results",
    "số liệu tự đánh giá": "self-assessment figures",
    "minh chứng": "evidence",
    "điểm cộng, trừ": "a bonus or penalty",
    "dữ liệu nhập từ tệp": "imported data",
    "lịch làm việc": "the working calendar",
    "bảng câu hỏi": "a survey",
    "cảnh báo": "an alert",
    "quy tắc cảnh báo": "an alert rule",
    "tệp xuất báo cáo": "a report export",
    "thiết lập": "settings",
    "tạo": "created",
    "thêm": "added",
    "sửa": "edited",
    "đổi tên": "renamed",
    "xoá": "deleted",
    "bật": "turned on",
    "tắt": "turned off",
    "thu hồi": "revoked",
    "công bố": "published",
    "nhập": "imported",
    "bắt đầu": "started",
    "hoàn tất": "finished",
    "dữ liệu": "data",
    "chưa thuộc đơn vị nào": "no unit",
    "không thuộc khối, cụm nào": "no competition group",
    # Roles and unit kinds.
    "Quản trị cấp tỉnh": "Province administrator",
    "Cấp tỉnh": "Province level",
    "Phòng thuộc Thanh tra tỉnh": "Division of the provincial inspectorate",
    "Sở, ngành": "Department",
    "Cấp huyện": "District level",
    "Cấp xã": "Commune level",
    "Toàn tỉnh (quản trị cấp tỉnh)": "Whole province (province administrators)",
    # Audit field names.
    "Đơn vị trưởng khối, cụm": "Leading unit of the group",
    "Đợt thi đua theo khối, cụm mới": "Competition periods following the new group",
    "Đang hoạt động": "Active",
    "Số đơn vị": "Units",
    "Số liệu": "Figure",
    "Dung lượng (byte)": "Size (bytes)",
    "Số dòng số liệu": "Figures",
    "Ngày làm việc": "Working day",
    "Thời hạn (phút)": "Valid for (minutes)",
    "Máy tính bảng": "Tablet",
    "Số mục tạo mới": "Created",
    "Số mục cập nhật": "Updated",
    "Từ phiên bản": "From version",
    "Phiên bản trước": "Previous version",
    "Thời hạn lưu giữ (ngày)": "Retention (days)",
    "Khoảng thời gian (phút)": "Time window (minutes)",
    "Số mã": "Codes",
    # Forms and filters: dates typed day first.
    "Loại đơn vị": "Unit kind",
    "Ngày không hợp lệ: dùng dạng ngày/tháng/năm, ví dụ 31/12/2024.": (
        "Invalid date: use day/month/year, for example 31/12/2024."
    ),
    "Ngày giờ không hợp lệ: dùng dạng ngày/tháng/năm giờ:phút, ví dụ 31/12/2024 14:30.": (
        "Invalid date and time: use day/month/year hour:minute, for example 31/12/2024 14:30."
    ),
    "Khoảng thời gian không hợp lệ: ngày theo dạng ngày/tháng/năm, từ năm 2000 đến năm 2100.": (
        "Invalid date range: dates as day/month/year, from 2000 to 2100."
    ),
    "Ngày ghi theo dạng ngày/tháng/năm, ví dụ 31/12/2024.": "Dates are day/month/year, for example 31/12/2024.",
    # Abbreviations explained on the report screens.
    "Điểm người dân chấm cho câu hỏi chính (mức hài lòng chung), từ 1 đến 5": (
        "The score citizens gave to the main question (overall satisfaction), from 1 to 5"
    ),
    "Điểm câu chính: điểm người dân chấm cho câu hỏi chính (mức hài lòng chung), từ 1 (rất không hài lòng) đến 5 (rất hài lòng).": (  # noqa: E501
        "Main question score: the score citizens gave to the main question (overall satisfaction), "
        "from 1 (very dissatisfied) to 5 (very satisfied)."
    ),
    "điểm câu chính": "main question score",
    "Điểm trung bình (thang 1–5)": "Mean score (1–5 scale)",
    "khoảng tin cậy 95%%": "95%% confidence interval",
    "Hạng trong khối, cụm": "Rank in group",
    # A score sheet's settings in the audit log.
    "mục %(item)s: %(points)s": "item %(item)s: %(points)s",
    "%(label)s (từ %(min)s)": "%(label)s (from %(min)s)",
    # The units page's import help.
    "Tệp .csv (UTF-8) hoặc .xlsx, dòng đầu là tên các cột. Tệp có lỗi thì không có gì thay đổi.": (
        "A .csv (UTF-8) or .xlsx file whose first line names the columns. A file with errors changes nothing."
    ),
    "Điểm tiếp nhận:": "Reception points:",
    "Khối, cụm thi đua:": "Competition groups:",
    "loại đơn vị, một trong các mã": "the unit kind, one of the codes",
}
