#!/usr/bin/env python3
"""Fill the English catalog (translations/en/LC_MESSAGES/messages.po) from the EN dict below.

Msgids are Vietnamese (the default UI language); values are the English msgstr.
Re-runnable: entries that already carry a non-fuzzy translation are left alone; only empty
(or fuzzy) entries whose msgid is in EN get filled, and their fuzzy flag is dropped.
For a plural entry (msgid_plural) give a tuple: (singular_msgstr, plural_msgstr).

Second pass after a new extraction:
    cd /work/main
    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot \
        --ignore-dirs=.venv --ignore-dirs=migrations --ignore-dirs=tests --ignore-dirs=bench .
    .venv/bin/pybabel update -i translations/messages.pot -d translations -l en --no-fuzzy-matching
    .venv/bin/python tools/translate_en.py --dry-run      # lists msgids still missing
    # append the missing ones to EN, run again, then:
    .venv/bin/pybabel compile -d translations --statistics

Options: --po PATH (default /work/main/translations/en/LC_MESSAGES/messages.po),
         --dry-run (check and report, do not write).
Exit status 1 if any entry is still untranslated or a translation fails the placeholder check.

Glossary used: đơn vị = unit; điểm tiếp nhận = reception point; khối/cụm thi đua = competition
group; đợt thi đua = competition period; mốc = milestone; sơ kết = mid-term review; tổng kết =
final review; chưa đủ mẫu = too few answers; máy (tính bảng) = tablet; ghép/kết nối máy = pair;
thu hồi = revoke; phiếu hẹn = appointment slip; mã truy cập = access token; Ông/Bà = you;
phản ánh = feedback; cảnh báo = alert; yếu tố SIPAS = SIPAS factor; cơ quan = the office.
Shared msgids used both as a nav/page title and as a form label ("Tài khoản",
"Điểm tiếp nhận", "Đợt thi đua") get the plural nav wording; "Ngày" (milestone date label and
heat-map weekday column) is "Day".
"""

from __future__ import annotations

import argparse
import re
import sys

from babel.messages.pofile import read_po, write_po

EN: dict[str, str | tuple[str, str]] = {
    # --- the public TV view: its live badge (not the contact method "Trực tiếp") ---
    "Đang cập nhật": "Live",
    # --- admin/units.py, points.py, devices.py, surveys.py, periods.py, users.py: flashes ---
    "Không có khối/cụm này.": "That competition group does not exist.",
    "Đã lưu đơn vị %(code)s.": "Unit %(code)s saved.",
    "Không nhập được tệp %(name)s, chưa có gì thay đổi:": "Could not import %(name)s; nothing has been changed:",
    "Đã nhập %(name)s: %(c)s mới, %(u)s cập nhật.": "Imported %(name)s: %(c)s new, %(u)s updated.",
    "Đã lưu khối/cụm %(code)s.": "Competition group %(code)s saved.",
    "Đã thêm điểm tiếp nhận %(code)s.": "Reception point %(code)s added.",
    "Đã đổi mã QR của %(code)s: hãy in và dán áp phích mới, áp phích cũ không còn dùng được.": "The QR code of %(code)s has been changed: print and put up the new poster; "
    "the old posters no longer work.",
    "Đã đổi tên điểm %(code)s.": "Point %(code)s renamed.",
    "Đã đổi tên máy.": "Tablet renamed.",
    "Đã thu hồi máy: máy này không gửi được đánh giá nữa.": "Tablet revoked: it can no longer send ratings.",
    "Thang đo là 5 hoặc 3 mức.": "The scale must have 5 or 3 levels.",
    "Đã lưu phiên bản %(v)s (chưa áp dụng). Bấm “Áp dụng” để các máy và mã QR dùng phiếu này.": "Version %(v)s saved (not applied yet). Click “Apply” to have the tablets and QR codes "
    "use this survey.",
    "Đã áp dụng phiếu %(code)s phiên bản %(v)s.": "Survey %(code)s version %(v)s applied.",
    "Đã thêm đợt thi đua %(code)s.": "Competition period %(code)s added.",
    "Đã thêm mốc %(name)s.": "Milestone %(name)s added.",
    "Đã xoá mốc.": "Milestone deleted.",
    "Đã tạo tài khoản": "Account created",
    "Mật khẩu tạm này chỉ hiện một lần; người dùng phải đổi khi đăng nhập lần đầu.": "This temporary password is shown only once; the user must change it at first sign-in.",
    "Đã đặt lại mật khẩu": "Password reset",
    "Đã cập nhật tài khoản %(u)s.": "Account %(u)s updated.",
    "Đã tạo mã truy cập API": "API access token created",
    "Mã này chỉ hiện một lần. Gửi kèm mỗi yêu cầu: Authorization: Bearer <mã>.": "This token is shown only once. Send it with every request: Authorization: Bearer <token>.",
    "Đã thu hồi mã truy cập.": "Access token revoked.",
    # --- admin/reports.py: report views ---
    "Theo đơn vị": "By unit",
    "Xếp hạng khối, cụm": "Group rankings",
    "Theo điểm tiếp nhận": "By reception point",
    "Theo tiêu chí": "By criterion",
    "Lý do chưa hài lòng": "Reasons for dissatisfaction",
    "Giờ × ngày trong tuần": "Hour × day of week",
    "Xu hướng theo tuần": "Weekly trend",
    "Theo kênh": "By channel",
    "Ý kiến người dân": "Citizen comments",
    # --- admin/accounts.py (sign-in), admin/forms.py (labels and checks): sign-in and password ---
    "Tên đăng nhập": "Username",
    "Mật khẩu": "Password",
    "Mật khẩu hiện tại": "Current password",
    "Mật khẩu mới": "New password",
    "Nhập lại mật khẩu mới": "Confirm new password",
    "Hai lần nhập mật khẩu mới không khớp.": "The two new passwords do not match.",
    "Sai tên đăng nhập hoặc mật khẩu.": "Wrong username or password.",
    "Đã đăng xuất.": "You have been signed out.",
    "Mật khẩu hiện tại không đúng.": "The current password is incorrect.",
    "Mật khẩu mới phải khác mật khẩu hiện tại.": "The new password must differ from the current one.",
    "Đã đổi mật khẩu.": "Password changed.",
    # --- kiosk/api.py, with the core errors it answers (core/inputs.py, core/org/devices.py, core/ratings) ---
    "Máy tính bảng chưa được kết nối hoặc đã bị thu hồi. Vui lòng kết nối lại.": "This tablet is not paired or has been revoked. Please pair it again.",
    "Dữ liệu gửi lên phải là một đối tượng JSON.": "The request body must be a JSON object.",
    "Chưa có phiếu khảo sát nào đang hoạt động.": "No survey is active yet.",
    "Mã kết nối không đúng, đã dùng hoặc đã hết hạn.": "The pairing code is wrong, already used or expired.",
    "Phiên bản phiếu khảo sát không tồn tại.": "That survey version does not exist.",
    "Thiếu mã câu trả lời.": "The answer ID is missing.",
    "Thiếu câu trả lời.": "The answers are missing.",
    "Dữ liệu nhịp kết nối không hợp lệ.": "Invalid heartbeat data.",
    # --- kiosk/routes.py: tablet UI (kept in line with kiosk.routes.EN) ---
    "Ông/Bà có hài lòng với lần làm việc hôm nay không?": "Are you satisfied with your visit today?",
    "Điều gì khiến Ông/Bà chưa hài lòng?": "What was not satisfactory?",
    "Chọn một hoặc nhiều ý (không bắt buộc).": "Choose one or more (optional).",
    "Tiếp tục": "Continue",
    "Bỏ qua": "Skip",
    "Kết thúc": "Finish",
    "Gửi": "Send",
    "Câu hỏi thêm (không bắt buộc)": "More questions (optional)",
    "Ông/Bà có góp ý gì thêm không?": "Anything else you would like to tell us?",
    "Góp ý (không bắt buộc)": "Comment (optional)",
    "Tôi muốn được cơ quan trả lời": "I would like a reply",
    "Họ và tên": "Full name",
    "Số điện thoại": "Phone number",
    "Để được trả lời, xin ghi họ tên hoặc số điện thoại và đánh dấu đồng ý.": "For a reply, please give a name or phone number and tick the consent box.",
    "Cảm ơn Ông/Bà!": "Thank you!",
    "Ý kiến của Ông/Bà đã được ghi nhận.": "Your opinion has been recorded.",
    # The language-switch label; kiosk.routes.ui_strings() overrides it per language anyway.
    "English": "English",
    "chờ gửi": "waiting",
    "Đang tải phiếu khảo sát…": "Loading the survey…",
    "Chưa tải được phiếu khảo sát. Vui lòng kiểm tra kết nối mạng.": "The survey could not be loaded. Please check the network connection.",
    "Máy tính bảng chưa được kết nối": "This tablet is not paired",
    "Vui lòng nhờ cán bộ kết nối máy với điểm tiếp nhận.": "Please ask a staff member to pair it with the reception point.",
    "Máy tính bảng cần được kết nối lại": "This tablet needs to be paired again",
    "Máy này đã ngừng kết nối với hệ thống. Các đánh giá đã ghi vẫn được giữ an toàn trên máy. "
    "Vui lòng nhờ cán bộ kết nối lại.": "This tablet is no longer connected to the system. Ratings already given are kept safely "
    "on it. Please ask a staff member to pair it again.",
    "Nhập mã kết nối": "Enter a pairing code",
    "Kết nối máy tính bảng": "Pair this tablet",
    "Mã kết nối": "Pairing code",
    "Kết nối": "Pair",
    "Đang kết nối…": "Pairing…",
    "Mã kết nối không đúng, đã dùng hoặc đã hết hạn. Vui lòng tạo mã mới.": "The pairing code is wrong, already used or expired. Please create a new one.",
    "Đã thử sai quá nhiều lần. Vui lòng chờ ít phút rồi thử lại.": "Too many wrong attempts. Please wait a few minutes and try again.",
    "Không kết nối được máy chủ. Vui lòng kiểm tra mạng rồi thử lại.": "The server cannot be reached. Please check the network and try again.",
    # --- survey/forms.py, survey/routes.py: web survey ---
    "Lý do": "Reason",
    "Góp ý thêm": "Further comments",
    "Số điện thoại chỉ gồm chữ số, dấu cách và dấu +.": "A phone number may contain only digits, spaces and the + sign.",
    "Vui lòng đánh dấu đồng ý nếu muốn được liên hệ, hoặc xoá họ tên và số điện thoại.": "Please tick the consent box if you would like to be contacted, or clear the name and phone number.",
    "Vui lòng cho biết họ tên hoặc số điện thoại để chúng tôi liên hệ lại.": "Please give your name or phone number so that we can contact you.",
    "Vui lòng chọn một mức đánh giá.": "Please choose a rating.",
    "Mã QR này không còn hiệu lực": "This QR code is no longer valid",
    "Vui lòng quét mã QR đang dán tại quầy tiếp nhận, hoặc hỏi cán bộ tiếp dân.": "Please scan the QR code displayed at the reception counter, or ask a member of staff.",
    "Không tìm thấy mã khảo sát này": "This survey code was not found",
    "Vui lòng kiểm tra lại mã in trên phiếu hẹn, hoặc quét mã QR tại quầy tiếp nhận.": "Please check the code printed on your appointment slip, or scan the QR code at the reception counter.",
    "Khảo sát đang tạm dừng": "The survey is paused",
    "Vui lòng quay lại sau. Xin cảm ơn Ông/Bà.": "Please come back later. Thank you.",
    "Đánh giá từ trang này đã được ghi nhận trước đó. Mỗi lượt chỉ gửi một lần.": "A rating from this page has already been recorded. Each visit can be rated only once.",
    "Giá trị không hợp lệ.": "Invalid value.",
    "Mã khảo sát này đã được sử dụng": "This survey code has already been used",
    "Mỗi mã chỉ dùng được một lần. Cảm ơn Ông/Bà đã dành thời gian đánh giá.": "Each code can be used only once. Thank you for taking the time to give your rating.",
    "Mã khảo sát này đã hết hạn": "This survey code has expired",
    "Ông/Bà vẫn có thể đánh giá bằng mã QR dán tại quầy tiếp nhận.": "You can still give your rating with the QR code displayed at the reception counter.",
    # --- templates: layout, filters, downloads ---
    "Đánh giá sự hài lòng": "Satisfaction survey",
    "Tải về:": "Download:",
    "Excel (tất cả các bảng)": "Excel (all tables)",
    "CSV mọi câu trả lời": "CSV of all answers",
    "CSV bảng này": "CSV of this table",
    "Biểu đồ SVG (in)": "SVG chart (for print)",
    "Báo cáo PDF cho cuộc họp": "PDF report for meetings",
    "Bộ lọc báo cáo": "Report filters",
    "Đợt thi đua": "Competition periods",
    "— Theo ngày —": "— By date —",
    "Từ ngày": "From",
    "Đến ngày": "To",
    "Đơn vị": "Unit",
    "Danh mục đơn vị": "Units",
    "Toàn tỉnh": "Whole province",
    "Tất cả đơn vị của tôi": "All my units",
    "Xem báo cáo": "View report",
    "Các báo cáo": "Reports",
    "Tổng quan": "Overview",
    # --- audit log, pager ---
    "Nhật ký thao tác": "Audit log",
    "Thời gian": "Time",
    "Người thực hiện": "Performed by",
    "Thao tác": "Actions",
    "Đối tượng": "Target",
    "Chưa có thao tác nào.": "No actions recorded yet.",
    "Trang": "Pages",
    "‹ Trang trước": "‹ Previous page",
    "Trang sau ›": "Next page ›",
    # --- dashboard ---
    "Tổng quan mức độ hài lòng": "Satisfaction overview",
    "Số liệu chính": "Key figures",
    "Chỉ số hài lòng": "Satisfaction index",
    "Số lượt đánh giá": "Number of ratings",
    "Bị loại (bấm liên tục, lặp lại, sai giờ)": "Excluded (rapid taps, repeat votes, wrong clock)",
    "Chỉ số hài lòng: tỷ lệ câu trả lời “Hài lòng” hoặc “Rất hài lòng” của mỗi tiêu chí, "
    "lấy trung bình các tiêu chí.": "Satisfaction index: the share of “Satisfied” or “Very satisfied” answers for each criterion, "
    "averaged over all criteria.",
    "Các tiêu chí": "Criteria",
    "Tiêu chí": "Criterion",
    "Số câu trả lời": "Answers",
    "Chỉ số (%%)": "Index (%%)",
    "Biểu đồ xu hướng theo tuần: số lượt và chỉ số hài lòng": "Weekly trend chart: number of ratings and satisfaction index",
    "Biểu đồ so sánh theo kênh đánh giá": "Chart comparing rating channels",
    # --- devices (counter tablets) ---
    "Máy tại quầy": "Counter tablets",
    "Máy tính bảng tại quầy": "Tablets at the counters",
    "Tên máy": "Tablet name",
    "Điểm": "Point",
    "Trạng thái": "Status",
    "Lần cuối liên lạc": "Last contact",
    "Phiên bản": "Version",
    "Hàng đợi": "Queue",
    "(chưa đặt tên)": "(unnamed)",
    "ghép lúc": "paired",
    "đã thu hồi": "revoked",
    "đang hoạt động": "active",
    "mất liên lạc": "out of contact",
    "Tên mới": "New name",
    "Đổi tên": "Rename",
    "Thu hồi máy này?": "Revoke this tablet?",
    "Thu hồi": "Revoke",
    "Chưa có máy nào được ghép.": "No tablets have been paired yet.",
    "Ghép máy mới": "Pair a new tablet",
    "Tạo mã ghép cho điểm tiếp nhận rồi mở địa chỉ hiện ra trên máy tính bảng.": "Create a pairing code for a reception point, then open the address shown on the tablet.",
    "Mã ghép máy": "Pairing code",
    # --- competition groups ---
    "Khối, cụm thi đua": "Competition groups",
    "Mã": "Code",
    "Tên": "Name",
    "Trưởng khối/cụm": "Group leader",
    "Thành viên": "Members",
    "Thêm hoặc sửa khối/cụm": "Add or edit a group",
    "Đơn vị trưởng khối/cụm": "Leading unit",
    "Lưu": "Save",
    # --- admin navigation ---
    "Điều hướng quản trị": "Admin navigation",
    "Báo cáo": "Reports",
    "Điểm tiếp nhận": "Reception points",
    "Tài khoản": "Accounts",
    "Khối, cụm": "Groups",
    "Phiếu khảo sát": "Surveys",
    "Nhật ký": "Audit log",
    "Mã truy cập API": "API access tokens",
    "Đổi mật khẩu": "Change password",
    "Đăng xuất": "Sign out",
    "Đăng nhập": "Sign in",
    # --- pairing, password ---
    "Ghép máy tính bảng với %(p)s": "Pair a tablet with %(p)s",
    "Mở địa chỉ này trên máy tính bảng trong vòng %(m)s phút; mã chỉ dùng được một lần:": "Open this address on the tablet within %(m)s minutes; the code can be used only once:",
    "Hoặc nhập mã:": "Or enter the code:",
    "Xem danh sách máy": "See the list of tablets",
    "Tài khoản đang dùng mật khẩu tạm. Hãy đặt mật khẩu của riêng bạn để tiếp tục.": "This account is using a temporary password. Set your own password to continue.",
    # --- competition periods and milestones ---
    "Xoá mốc này?": "Delete this milestone?",
    "Xoá": "Delete",
    "Loại mốc": "Milestone type",
    "Ngày": "Day",
    "Thêm mốc": "Add milestone",
    "Thêm đợt thi đua": "Add a competition period",
    "Ngày bắt đầu": "Start date",
    "Ngày kết thúc": "End date",
    "Thêm": "Add",
    # --- reception points ---
    "Địa chỉ khảo sát QR": "QR survey address",
    "Áp phích": "Poster",
    "ngừng hoạt động": "inactive",
    "Đổi mã QR? Các áp phích đã in sẽ không dùng được nữa.": "Change the QR code? Posters already printed will stop working.",
    "Đổi mã QR": "Change QR code",
    "Ngừng hoạt động": "Deactivate",
    "Hoạt động lại": "Reactivate",
    "Số phiếu hẹn": "Number of slips",
    "In phiếu hẹn (PDF)": "Print appointment slips (PDF)",
    "Thêm điểm tiếp nhận": "Add a reception point",
    # --- reports ---
    "Kênh": "Channel",
    "Số lượt": "Ratings",
    "Bị loại": "Excluded",
    "Biểu đồ so sánh theo kênh": "Chart comparing channels",
    "Lọc ý kiến": "Filter comments",
    "Điểm câu chính": "Main question score",
    "Tất cả": "All",
    "%(n)s ý kiến": "Comments: %(n)s",
    "điểm": "score",
    "Không có ý kiến nào khớp bộ lọc.": "No comments match the filter.",
    "Trang %(p)s / %(n)s": "Page %(p)s of %(n)s",
    "Khoảng tin cậy 95%%": "95%% confidence interval",
    "Điểm trung bình": "Average score",
    "%(s)s điểm": "Score %(s)s",
    "Biểu đồ chỉ số theo tiêu chí với khoảng tin cậy": "Chart of the index by criterion, with confidence intervals",
    "Bản đồ nhiệt số lượt đánh giá theo giờ và ngày trong tuần": "Heat map of ratings by hour and day of the week",
    "Chưa có dữ liệu trong khoảng thời gian này.": "No data in this date range yet.",
    "Ý kiến": "Comments",
    "Xếp hạng mọi đơn vị trong khối, cụm thi đua theo chỉ số hài lòng (chỉ số liệu tổng hợp). "
    "Đơn vị dưới %(n)s lượt đánh giá chưa đủ mẫu để xếp hạng.": "Every unit in a competition group ranked by satisfaction index (aggregate figures only). "
    "Units with fewer than %(n)s ratings have too few answers to be ranked.",
    "Khối/cụm": "Group",
    "Hạng": "Rank",
    "chưa đủ mẫu": "too few answers",
    "Biểu đồ Pareto các lý do chưa hài lòng": "Pareto chart of reasons for dissatisfaction",
    "Số lần được chọn": "Times chosen",
    "Tỷ lệ (%%)": "Share (%%)",
    "Chưa có lý do nào được chọn trong khoảng thời gian này.": "No reasons were chosen in this date range.",
    "Biểu đồ xu hướng theo tuần": "Weekly trend chart",
    "Mốc:": "Milestones:",
    "Tuần bắt đầu": "Week starting",
    "(KTC 95%%)": "(95%% CI)",
    "Hạng trong khối/cụm": "Rank in group",
    "Đơn vị cần ít nhất %(n)s lượt đánh giá được tính để được xếp hạng.": "A unit needs at least %(n)s counted ratings to be ranked.",
    "Biểu đồ chỉ số hài lòng theo đơn vị": "Chart of the satisfaction index by unit",
    "Quay lại": "Back",
    # --- surveys ---
    "Sửa phiếu khảo sát": "Edit survey",
    "Sửa phiếu “%(t)s” (phiên bản %(v)s)": "Edit survey “%(t)s” (version %(v)s)",
    "Lưu sẽ tạo phiên bản mới; các câu trả lời cũ giữ nguyên phiên bản của chúng.": "Saving creates a new version; earlier answers keep the version they were given on.",
    "Tiêu đề": "Title",
    "Thang đo": "Scale",
    "5 mức (Rất không hài lòng … Rất hài lòng)": "5 levels (Very dissatisfied … Very satisfied)",
    "3 mức (Không hài lòng / Hài lòng / Rất hài lòng)": "3 levels (Dissatisfied / Satisfied / Very satisfied)",
    # The parser (admin/forms.py, CriteriaField and YES_WORDS) accepts có/co/yes/x/1/bắt buộc as "required";
    # anything else means optional.
    "Tiêu chí, mỗi dòng: mã | nhãn | câu hỏi | bắt buộc (có/không) | yếu tố SIPAS": "Criteria, one per line: code | label | question | required (yes/no) | SIPAS factor",
    "Yếu tố SIPAS:": "SIPAS factors:",
    "Lý do chưa hài lòng, mỗi dòng: mã | nhãn": "Reasons for dissatisfaction, one per line: code | label",
    "Lưu thành phiên bản mới": "Save as a new version",
    "Phiếu": "Survey",
    "%(n)s mức": "%(n)s levels",
    "đang áp dụng": "in use",
    "Sửa thành phiên bản mới": "Edit as a new version",
    "Áp dụng": "Apply",
    # --- API tokens ---
    "Mã truy cập cho phép phần mềm khác đọc báo cáo qua /api/v1 với đúng phạm vi đơn vị của tài khoản.": "An access token lets other software read reports through /api/v1, limited to the units "
    "its account can see.",
    "Tạo lúc": "Created",
    "Dùng lần cuối": "Last used",
    "hiệu lực": "active",
    "Chưa có mã truy cập nào.": "No access tokens yet.",
    "Tạo mã truy cập": "Create an access token",
    "Tên gợi nhớ": "Label",
    "Tạo": "Create",
    # --- units ---
    "Sửa đơn vị": "Edit unit",
    "Sửa đơn vị %(code)s": "Edit unit %(code)s",
    "Loại": "Type",
    "Đơn vị cấp trên": "Parent unit",
    "(không có — gốc của cây)": "(none — top of the tree)",
    "Nhập từ bảng tính": "Import from a spreadsheet",
    "Tệp .csv (UTF-8) hoặc .xlsx. Đơn vị: code,name,kind,parent,group · Điểm tiếp nhận: code,name,unit · "
    "Khối/cụm: code,name,leader_unit. Tệp có lỗi thì không có gì thay đổi.": "A .csv (UTF-8) or .xlsx file. Units: code,name,kind,parent,group · Reception points: "
    "code,name,unit · Competition groups: code,name,leader_unit. If the file has any error, "
    "nothing is changed.",
    "Loại dữ liệu": "Data type",
    "Tệp": "File",
    "Nhập": "Import",
    "Sửa": "Edit",
    # --- users ---
    "Vai trò": "Role",
    "đã khoá": "locked",
    "chờ đổi mật khẩu": "must change password",
    "hoạt động": "active",
    "Cấp mật khẩu tạm": "Issue a temporary password",
    "Khoá": "Lock",
    "Mở khoá": "Unlock",
    "Tạo tài khoản": "Create account",
    "Toàn tỉnh (chỉ Văn phòng)": "Whole province (Office staff only)",
    "Mật khẩu tạm được tạo tự động và chỉ hiện một lần.": "The temporary password is generated automatically and shown only once.",
    # --- errors ---
    "Mã lỗi": "Error code",
    "Về trang chủ": "Back to the home page",
    # --- web survey templates ---
    "Phiên làm việc đã hết hạn.": "Your session has expired.",
    "Câu trả lời của Ông/Bà vẫn được giữ nguyên, chỉ cần bấm “Gửi đánh giá” thêm một lần nữa.": "Your answers have been kept; just press “Send rating” once more.",
    "Vui lòng xem lại các mục được đánh dấu bên dưới.": "Please check the items marked below.",
    "Ông/Bà vui lòng cho biết mức độ hài lòng với lần làm việc hôm nay. Chỉ mất khoảng 30 giây.": "Please tell us how satisfied you are with your visit today. It only takes about 30 seconds.",
    "Đang gửi…": "Sending…",
    "(nếu có, chọn một hoặc nhiều)": "(if any, choose one or more)",
    "(không bắt buộc)": "(optional)",
    "Ông/Bà muốn được liên hệ trả lời?": "Would you like us to contact you with a reply?",
    "Gửi đánh giá": "Send rating",
    "Phiếu khảo sát ẩn danh: không ghi lại địa chỉ IP hay thông tin thiết bị của Ông/Bà.": "This survey is anonymous: your IP address and device details are not recorded.",
    "Ý kiến của Ông/Bà đã được ghi nhận và giúp chúng tôi phục vụ tốt hơn.": "Your opinion has been recorded and helps us serve you better.",
    "Chúng tôi sẽ liên hệ lại với Ông/Bà theo thông tin đã để lại.": "We will contact you using the details you left.",
    "Dân vào niềm nở – Hướng dẫn tận tình – Dân về vui vẻ": "A warm welcome – Attentive guidance – A happy farewell",
    # --- second pass: append new msgids below ---
    "Mã QR của địa chỉ ghép máy": "QR code of the pairing address",
    # --- app.py: errors answered for any page ---
    "Dữ liệu vừa được thay đổi cùng lúc. Vui lòng thử lại.": "The data was changed by another request at the same time. Please try again.",
    "Tham số trên địa chỉ không hợp lệ.": "The address has an invalid parameter.",
    # --- admin/formatting.py: channel names ("Máy tại quầy" is shared with the nav, above) ---
    "Mã QR": "QR code",
    "Mã phiếu hẹn": "Appointment slip code",
    # --- admin/formatting.py: weekday names (heat map) ---
    "Thứ Hai": "Monday",
    "Thứ Ba": "Tuesday",
    "Thứ Tư": "Wednesday",
    "Thứ Năm": "Thursday",
    "Thứ Sáu": "Friday",
    "Thứ Bảy": "Saturday",
    "Chủ nhật": "Sunday",
    # --- admin/formatting.py: SIPAS elements (called "SIPAS factor" in the English screens) ---
    "Tiếp cận dịch vụ": "Access to the service",
    "Thủ tục hành chính": "Administrative procedures",
    "Công chức giải quyết": "Civil servants handling the procedure",
    "Kết quả giải quyết": "Outcome of the procedure",
    "Tiếp nhận, xử lý ý kiến": "Receiving and handling feedback",
    # --- admin/formatting.py: booleans in the audit log's changes ---
    "có": "yes",
    "không": "no",
    # --- admin/forms.py: field checks ---
    "Vui lòng điền mục này.": "Please fill in this field.",
    "Tối đa %(max)d ký tự.": "At most %(max)d characters.",
    "Giá trị này chưa dùng được, xem chi tiết bên dưới.": "This value cannot be used; see the details below.",
    "Không được chứa ký tự điều khiển (ví dụ ký tự NUL).": "Must not contain control characters (such as NUL).",
    "Ngày phải từ %(first)s đến %(last)s.": "The date must be between %(first)s and %(last)s.",
    "Ngày không hợp lệ: dùng dạng năm-tháng-ngày.": "Invalid date: use the year-month-day form (YYYY-MM-DD).",
    "Mật khẩu mới cần từ %(min)d đến %(max)d ký tự.": "The new password must be %(min)d to %(max)d characters long.",
    # --- admin/forms.py: accounts (role names) ---
    "Văn phòng Thanh tra tỉnh": "Provincial Inspectorate Office",
    "Lãnh đạo đơn vị": "Unit leader",
    "Chỉ xem": "View only",
    "Tên đăng nhập này đã có.": "This username is already taken.",
    "Chọn một đơn vị có thật cho tài khoản này.": "Choose an existing unit for this account.",
    "Bạn không cấp được vai trò này.": "You cannot grant this role.",
    # --- admin/forms.py: units, groups, imports ---
    "Không đặt được dưới đơn vị này: không có đơn vị đó, hoặc đó là chính nó hay đơn vị cấp dưới của nó.": "The unit cannot be placed there: that parent unit does not exist, or it is the unit itself "
    "or one of its subunits.",
    "Loại đơn vị không hợp lệ.": "Invalid unit type.",
    "Không có đơn vị này.": "That unit does not exist.",
    "Chọn một loại dữ liệu trong danh sách.": "Choose a data type from the list.",
    "Chọn tệp .csv hoặc .xlsx.": "Choose a .csv or .xlsx file.",
    "Chỉ nhận tệp .csv hoặc .xlsx.": "Only .csv or .xlsx files are accepted.",
    # --- admin/forms.py: reception points and tablets ---
    "Mã điểm này đã có.": "This point code already exists.",
    "Số phiếu hẹn phải từ %(min)s đến %(max)s.": "The number of appointment slips must be between %(min)s and %(max)s.",
    "Nhập một số nguyên.": "Enter a whole number.",
    "Điểm tiếp nhận này đã ngừng hoạt động: không ghép máy mới được.": "This reception point is no longer active: no new tablet can be paired with it.",
    # --- admin/forms.py: surveys ---
    "Kiểm tra các dòng tiêu chí: mỗi dòng cần mã (không trùng), nhãn và câu hỏi, yếu tố SIPAS hợp lệ; "
    "cần ít nhất một tiêu chí bắt buộc (câu chính).": "Check the criteria lines: each line needs a code (unique), a label and a question, "
    "and a valid SIPAS factor; at least one criterion must be required (the main question).",
    "Kiểm tra các dòng lý do: mỗi dòng cần mã (không trùng) và nhãn.": "Check the reason lines: each line needs a code (unique) and a label.",
    # --- admin/forms.py: competition periods and milestones ---
    "Mã đợt này đã có.": "This period code already exists.",
    "Ngày kết thúc phải sau ngày bắt đầu.": "The end date must be after the start date.",
    "Sơ kết": "Mid-term review",
    "Tổng kết": "Final review",
    "Khác": "Other",
    "Chọn một loại mốc trong danh sách.": "Choose a milestone type from the list.",
    # --- admin/report_filter.py, admin/reports.py: report filters ---
    "Khoảng thời gian không hợp lệ: ngày theo dạng năm-tháng-ngày, từ năm 2000 đến năm 2100.": "Invalid date range: give dates as year-month-day, between the years 2000 and 2100.",
    "Ngày bắt đầu phải trước ngày kết thúc.": "The start date must be before the end date.",
    "Khoảng thời gian quá dài (tối đa 10 năm).": "The date range is too long (at most 10 years).",
    "Không có đợt thi đua này.": "That competition period does not exist.",
    "Bộ lọc ý kiến không hợp lệ.": "Invalid comment filter.",
    # --- admin/api.py: errors of the reporting API ---
    "Tài khoản chỉ xem không được thay đổi dữ liệu.": "A view-only account cannot change data.",
    "Bộ lọc phản ánh không hợp lệ.": "Invalid feedback filter.",
    "Không tìm thấy đơn vị này.": "This unit was not found.",
    "Không tìm thấy phản ánh này.": "This feedback was not found.",
    "Trạng thái cảnh báo không hợp lệ.": "Invalid alert status.",
    "Không tìm thấy cảnh báo này.": "This alert was not found.",
    "Ghi chú phải là văn bản.": "The note must be text.",
    # --- core/inputs.py: JSON bodies ---
    "Thiếu dữ liệu bắt buộc.": "Required data is missing.",
    "Dữ liệu không hợp lệ.": "Invalid data.",
    "Dữ liệu quá dài.": "The data is too long.",
    "Dữ liệu phải được gửi dạng JSON (Content-Type: application/json).": "The data must be sent as JSON (Content-Type: application/json).",
    "Dữ liệu gửi lên không phải UTF-8.": "The data sent is not UTF-8.",
    "Dữ liệu gửi lên không phải JSON hợp lệ.": "The data sent is not valid JSON.",
    "Dữ liệu lồng nhau quá sâu.": "The data is nested too deeply.",
    "Số quá lớn.": "A number is too large.",
    # --- core/cases/calendar.py, core/cases/operations.py: errors ---
    "Không lưu được ngày này.": "Could not save this day.",
    "Không ghi nhận được phản ánh.": "Could not record the feedback.",
    "Trạng thái không hợp lệ.": "Invalid status.",
    "Không thể chuyển phản ánh sang trạng thái này.": "The feedback cannot be moved to this status.",
    "Thiếu hoặc sai thông tin để chuyển trạng thái.": "Information needed to change the status is missing or wrong.",
    # --- core/cases/reminders.py: errors ---
    "Không gửi được lời nhắc.": "Could not send the reminder.",
    # --- core/org/accounts.py: errors ---
    "Không tạo được tài khoản.": "Could not create the account.",
    "Bạn không được quản lý tài khoản này.": "You are not allowed to manage this account.",
    "Mật khẩu mới không hợp lệ.": "The new password is not valid.",
    "Tên mã truy cập quá dài.": "The access token label is too long.",
    "Địa chỉ thư điện tử không hợp lệ.": "Invalid e-mail address.",
    # --- core/org/devices.py: errors ---
    "Điểm tiếp nhận này đã ngừng hoạt động.": "This reception point is no longer active.",
    "Tên máy quá dài.": "The tablet name is too long.",
    # --- core/org/periods.py, core/org/points.py, core/org/units.py: errors ---
    "Không tạo được đợt thi đua.": "Could not create the competition period.",
    "Không thêm được mốc.": "Could not add the milestone.",
    "Không tạo được điểm tiếp nhận.": "Could not create the reception point.",
    "Tên điểm tiếp nhận không hợp lệ.": "Invalid reception point name.",
    "Không tìm thấy.": "Not found.",
    "Không lưu được đơn vị.": "Could not save the unit.",
    "Không lưu được khối, cụm thi đua.": "Could not save the competition group.",
    # --- core/ratings/alerts.py: errors ---
    "Cần ghi chú khi xác nhận cảnh báo.": "A note is required to acknowledge an alert.",
    "Ghi chú quá dài.": "The note is too long.",
    "Cảnh báo này đã được xác nhận.": "This alert has already been acknowledged.",
    "Không tạo được quy tắc cảnh báo.": "Could not create the alert rule.",
    # --- core/ratings/privacy.py: the consent text (kiosk, web survey, feedback recorded by staff) ---
    "Tôi đồng ý để cơ quan dùng họ tên và thông tin liên lạc này chỉ để liên hệ trả lời ý kiến của tôi; "
    "thông tin được xoá sau %(days)s ngày.": "I agree that the office may use this name and these contact details only to contact me with "
    "a reply to my comment; the details are deleted after %(days)s days.",
    # --- core/ratings/responses.py, surveys.py, visit_codes.py: errors ---
    "Mã câu trả lời không hợp lệ.": "Invalid answer ID.",
    "Dữ liệu đánh giá không hợp lệ.": "Invalid rating data.",
    "Mã câu trả lời này đã được dùng cho một câu trả lời khác.": "This answer ID has already been used for a different answer.",
    "Mã khảo sát này đã được dùng hoặc đã hết hạn.": "This survey code has already been used or has expired.",
    "Không lưu được phiếu khảo sát.": "Could not save the survey.",
    "Số mã không hợp lệ.": "Invalid number of codes.",
    # --- templates/admin: form problems, audit log, devices, criteria report, import ---
    "Chi tiết:": "Details:",
    "Thay đổi": "Changes",
    "máy %(name)s": "tablet %(name)s",
    "dòng lệnh": "command line",
    "Bị từ chối": "Rejected",
    "Yếu tố SIPAS": "SIPAS factor",
    "… và %(n)s lỗi khác.": "… and %(n)s more.",
    # --- admin/alerts.py: alerts and alert rules ---
    "%(low)s/%(answers)s câu trả lời thấp trong %(minutes)s phút": "%(low)s/%(answers)s low answers within %(minutes)s minutes",
    "Điểm thấp nhất kèm góp ý": "Lowest score with a comment",
    "Hệ thống": "System",
    "Cảnh báo tại %(point)s đã được %(by)s xác nhận trước đó: không cần xác nhận lại.": "The alert at %(point)s was already acknowledged by %(by)s: "
    "there is no need to acknowledge it again.",
    "Đã xác nhận cảnh báo tại %(point)s.": "Alert at %(point)s acknowledged.",
    "Đã thêm quy tắc cảnh báo số %(id)d.": "Alert rule no. %(id)d added.",
    "Đã bật quy tắc cảnh báo số %(id)d.": "Alert rule no. %(id)d turned on.",
    "Đã tắt quy tắc cảnh báo số %(id)d.": "Alert rule no. %(id)d turned off.",
    # --- admin/calendar.py: the calendar of working days ---
    "Đã lưu ngày %(day)s.": "Day %(day)s saved.",
    "Đã bỏ ngày %(day)s khỏi bảng: ngày này tính như tuần làm việc thông thường.": "Day %(day)s removed from the table: it now counts as in an ordinary working week.",
    "Ngày %(day)s không có trong bảng.": "Day %(day)s is not in the table.",
    "Không nhập được tệp %(name)s; chưa có ngày nào được lưu.": "Could not import %(name)s; no day has been saved.",
    "Đã nhập %(n)d ngày từ tệp %(name)s.": "Days imported from %(name)s: %(n)d.",
    # --- admin/cases.py: citizens' feedback ---
    "Phản ánh #%(id)d đang ở trạng thái “%(status)s” nên không thể “%(move)s”. "
    "Có thể ai đó vừa cập nhật phản ánh này: hãy xem lại trạng thái hiện tại bên dưới.": "Feedback #%(id)d has the status “%(status)s”, so “%(move)s” is not possible. "
    "Someone may have just updated this feedback: check its current status below.",
    "Phản ánh #%(id)d: %(before)s → %(after)s.": "Feedback #%(id)d: %(before)s → %(after)s.",
    "Đã ghi nhận phản ánh #%(id)d, hạn trả lời %(due)s.": "Feedback #%(id)d recorded; deadline %(due)s.",
    # --- admin/monitoring.py, admin/users.py: reminders, e-mail addresses ---
    "Đã gửi lời nhắc tới %(unit)s.": "Reminder sent to %(unit)s.",
    "Đã cập nhật thư điện tử của %(u)s.": "E-mail address of %(u)s updated.",
    "Đã cập nhật thư điện tử của bạn.": "Your e-mail address has been updated.",
    # --- admin/forms.py: accounts' e-mail ("Thư điện tử" is also a case channel and contact method) ---
    "Thư điện tử (nhận thông báo, không bắt buộc)": "E-mail (for notifications, optional)",
    "Thư điện tử": "E-mail",
    # --- admin/forms.py: case statuses, sources, kinds, channels, contact methods ---
    "Mới": "New",
    "Đã phân công": "Assigned",
    "Đã trả lời": "Answered",
    "Đã đóng": "Closed",
    "Đã loại": "Dismissed",
    "Mở lại": "Reopened",
    "Cán bộ ghi nhận": "Recorded by staff",
    # Both the case kind and the title of the case list (phản ánh, kiến nghị = feedback).
    "Phản ánh, kiến nghị": "Feedback",
    "Khiếu nại": "Complaint",
    "Đơn, thư giấy": "Letter on paper",
    "Điện thoại": "Phone",
    "Buổi tiếp công dân": "Citizen reception session",
    "Văn bản": "In writing",
    "Trực tiếp": "In person",
    # --- admin/forms.py: the moves of a case (button labels; "Loại phản ánh" is "dismiss", not "kind") ---
    "Phân công xử lý": "Assign",
    "Ghi nhận đã trả lời": "Record the reply",
    "Đóng phản ánh": "Close",
    "Loại phản ánh": "Dismiss",
    "Mở lại phản ánh": "Reopen",
    # --- admin/forms.py: alert rule kinds, reminder reasons, shared checks ---
    "Tỷ lệ câu trả lời thấp trong một khoảng thời gian": "Share of low answers within a time window",
    "Máy tại quầy mất liên lạc": "Counter tablets out of contact",
    "Điểm tiếp nhận không có đánh giá trong 7 ngày": "Reception points with no ratings in 7 days",
    "Có phản ánh quá hạn": "Overdue feedback",
    "Chỉ số hài lòng dưới chỉ tiêu": "Satisfaction index below target",
    "Tỷ lệ trả lời đúng hạn dưới chỉ tiêu": "On-time reply rate below target",
    "Chọn một giá trị trong danh sách.": "Choose a value from the list.",
    "Có thông tin liên hệ thì cần người dân đồng ý: đánh dấu ô đồng ý, hoặc xoá thông tin liên hệ.": "Contact details need the citizen's consent: tick the consent box, or clear the contact details.",
    "Ngày giờ không hợp lệ: dùng dạng năm-tháng-ngày giờ:phút.": "Invalid date and time: use the year-month-day hour:minute form (YYYY-MM-DD HH:MM).",
    # --- admin/forms.py: the case list's filters and a case's moves ---
    "Thời hạn": "Deadline",
    "Quá hạn": "Overdue",
    "Chưa quá hạn": "Not overdue",
    "Trang phải từ %(min)s đến %(max)s.": "The page must be between %(min)s and %(max)s.",
    "Nhập tên người được phân công xử lý.": "Enter the name of the person assigned to handle it.",
    "Nhập nội dung đã trả lời người dân.": "Enter the reply given to the citizen.",
    "Nêu lý do loại phản ánh.": "Give the reason for dismissing the feedback.",
    "Chuyển sang": "Move to",
    "Người được phân công": "Assigned to",
    "Nội dung trả lời": "Reply",
    "Đã báo cho người dân qua": "Citizen informed by",
    "— Không ghi —": "— Not recorded —",
    "Lý do loại": "Reason for dismissal",
    # --- admin/forms.py: feedback recorded by staff ---
    "Chọn một điểm tiếp nhận của đơn vị đã chọn (hoặc để trống).": "Choose a reception point of the chosen unit (or leave it empty).",
    "Thời điểm nhận không được ở tương lai.": "The time received cannot be in the future.",
    "Điểm tiếp nhận (không bắt buộc)": "Reception point (optional)",
    "Hình thức tiếp nhận": "Received via",
    "Thời điểm nhận (giờ Việt Nam)": "Received at (Vietnam time)",
    "Nội dung phản ánh, kiến nghị": "Content of the feedback",
    "Họ và tên người phản ánh": "Full name of the citizen",
    "Người dân đồng ý": "Citizen's consent",
    # --- admin/forms.py: alert acknowledgement and alert rules ---
    "Ghi lại đã xem xét, xử lý thế nào (bắt buộc, tối đa 2000 ký tự).": "Note how the alert was reviewed and handled (required, at most 2000 characters).",
    "Ghi chú xử lý": "Handling note",
    "Không có điểm này, hoặc đã chọn cả đơn vị lẫn điểm: chỉ chọn một trong hai.": "That point does not exist, or both a unit and a point were chosen: choose only one of them.",
    "Số câu trả lời tối thiểu phải từ 1 đến 10000.": "The minimum number of answers must be between 1 and 10000.",
    "Tỷ lệ phải lớn hơn 0 và không quá 100.": "The share must be greater than 0 and at most 100.",
    "Khoảng thời gian phải từ 5 phút đến 7 ngày (10080 phút).": "The time window must be between 5 minutes and 7 days (10080 minutes).",
    "Loại quy tắc": "Rule type",
    "Số câu trả lời tối thiểu": "Minimum number of answers",
    "Số câu trả lời tối thiểu phải từ %(min)s đến %(max)s.": "The minimum number of answers must be between %(min)s and %(max)s.",
    "Tỷ lệ câu trả lời thấp (%)": "Share of low answers (%)",
    "Nhập một số, ví dụ 30 hoặc 30,5.": "Enter a number, for example 30 or 30.5.",
    "Trong khoảng (phút)": "Time window (minutes)",
    "Khoảng thời gian phải từ %(min)s đến %(max)s phút.": "The time window must be between %(min)s and %(max)s minutes.",
    # --- admin/forms.py: the calendar and reminders ---
    "Ngày phải từ năm 2000 đến năm 2100.": "The date must be between the years 2000 and 2100.",
    "Loại ngày": "Type of day",
    "Nghỉ (lễ, Tết, nghỉ bù)": "Day off (public holiday, Tet, compensatory day off)",
    "Làm bù (thứ Bảy, Chủ nhật đi làm)": "Make-up working day (a Saturday or Sunday worked)",
    "Tên gọi": "Name",
    "Tệp CSV (cột date,working,name)": "CSV file (columns date,working,name)",
    "Chọn tệp .csv.": "Choose a .csv file.",
    "Chỉ nhận tệp .csv.": "Only .csv files are accepted.",
    "Chọn ít nhất một lý do nhắc nhở.": "Choose at least one reason for the reminder.",
    "Lời nhắn tối đa 2000 ký tự.": "The message can be at most 2000 characters long.",
    "Lý do nhắc nhở": "Reasons for the reminder",
    "Lời nhắn (không bắt buộc)": "Message (optional)",
    # --- templates/admin/layout.html: navigation ---
    "Phản ánh": "Feedback",
    "Phản ánh quá hạn": "Overdue feedback",
    "%(n)d quá hạn": "%(n)d overdue",
    "Cảnh báo": "Alerts",
    "Cảnh báo đang mở": "Open alerts",
    "%(n)d đang mở": "%(n)d open",
    "Đôn đốc": "Follow-up",
    "Lịch làm việc": "Working calendar",
    # --- templates/admin/cases.html, case.html, case_new.html ---
    "Lọc phản ánh": "Filter feedback",
    "Lọc": "Filter",
    "%(n)d phản ánh; phản ánh quá hạn được xếp lên đầu.": "Feedback items: %(n)d; overdue ones are listed first.",
    "Số": "No.",
    "Nguồn": "Source",
    "Ngày nhận": "Received",
    "Hạn trả lời": "Deadline",
    "Người xử lý": "Handled by",
    "Không có phản ánh nào phù hợp.": "No feedback matches the filter.",
    "Trang %(page)d / %(pages)d": "Page %(page)d of %(pages)d",
    "Phản ánh #%(id)d": "Feedback #%(id)d",
    "‹ Danh sách phản ánh": "‹ Feedback list",
    "Nội dung": "Content",
    "(không có nội dung)": "(no content)",
    "Trả lời": "Reply",
    "Thời điểm trả lời": "Replied at",
    "Đúng hạn": "On time",
    "Trễ hạn": "Late",
    "Thông tin liên hệ của người dân": "Citizen's contact details",
    "Người dân đã đồng ý": "Consent given",
    "Người dân không để lại thông tin liên hệ (hoặc thông tin đã được xoá theo thời hạn lưu giữ).": "The citizen left no contact details (or they were deleted at the end of the retention period).",
    "Chỉ dùng để liên hệ trả lời người dân; chỉ lãnh đạo đơn vị và Văn phòng Thanh tra tỉnh xem được.": "For replying to the citizen only; visible only to unit leaders and the Provincial Inspectorate "
    "Office.",
    "Xử lý": "Handling",
    "Quá trình xử lý": "Handling history",
    "Ghi chú": "Note",
    "Cán bộ ghi nhận: %(channel)s": "Recorded by staff: %(channel)s",
    "Tạo tự động từ đánh giá của người dân (%(source)s)": "Created automatically from a citizen's rating (%(source)s)",
    "Ghi nhận phản ánh": "Record feedback",
    "Ghi nhận phản ánh, kiến nghị": "Record feedback",
    "Phản ánh nhận qua đơn, thư, điện thoại, thư điện tử hoặc tại buổi tiếp công dân. "
    "Hạn trả lời được tính theo loại và ngày nhận (không tính ngày nhận, ngày nghỉ).": "Feedback received by letter, by phone, by e-mail or at a citizen reception session. "
    "The deadline depends on the type and the date received (the day of receipt and days off are not counted).",
    "— Chọn đơn vị —": "— Choose a unit —",
    "— Không gắn với điểm nào —": "— Not linked to a point —",
    "Thông tin liên hệ (chỉ khi người dân muốn được trả lời)": "Contact details (only if the citizen wants a reply)",
    "Ghi nhận": "Record",
    # --- templates/admin/alerts.html ---
    "Cảnh báo đánh giá chưa hài lòng": "Alerts on negative ratings",
    "Lọc cảnh báo": "Filter alerts",
    "Đang mở": "Open",
    "Đã xác nhận": "Acknowledged",
    "Mở lúc": "Opened",
    "Xác nhận": "Acknowledgement",
    "phản ánh #%(id)d": "feedback #%(id)d",
    "Xác nhận đã xem xét": "Acknowledge as reviewed",
    "Chờ lãnh đạo đơn vị xác nhận": "Awaiting acknowledgement by the unit leader",
    "Không có cảnh báo nào.": "No alerts.",
    "Quy tắc cảnh báo": "Alert rules",
    "Mỗi quy tắc áp dụng cho mọi điểm, cho các điểm của một đơn vị, hoặc cho một điểm. "
    "Một quy tắc chỉ mở một cảnh báo tại mỗi điểm cho đến khi được xác nhận.": "Each rule applies to every point, to the points of one unit, or to one point. "
    "A rule opens only one alert at a point until that alert is acknowledged.",
    "Phạm vi": "Scope",
    "Tối thiểu": "Minimum",
    "Tỷ lệ thấp": "Low share",
    "Khoảng (phút)": "Window (minutes)",
    "Điểm %(code)s": "Point %(code)s",
    "Các điểm của %(name)s": "Points of %(name)s",
    "Mọi điểm": "All points",
    "đang bật": "on",
    "đã tắt": "off",
    "Tắt": "Turn off",
    "Bật": "Turn on",
    "Thêm quy tắc": "Add a rule",
    "Đơn vị (để trống: mọi điểm)": "Unit (empty: all points)",
    "— Mọi đơn vị —": "— All units —",
    "hoặc một điểm tiếp nhận": "or one reception point",
    "— Không chọn điểm —": "— No point —",
    "Với loại “Điểm thấp nhất kèm góp ý”, ba số trên không được dùng.": "For the type “Lowest score with a comment”, the three numbers above are not used.",
    # --- templates/admin/calendar.html ---
    "Lịch làm việc %(year)d": "Working calendar %(year)d",
    "Lịch làm việc năm %(year)d": "Working calendar for %(year)d",
    "Chọn năm": "Choose a year",
    "‹ Năm %(year)d": "‹ Year %(year)d",
    "Năm %(year)d ›": "Year %(year)d ›",
    "Ngày làm việc là thứ Hai đến thứ Sáu, trừ các ngày nghỉ trong bảng; thứ Bảy, Chủ nhật được ghi “Làm bù” "
    "là ngày làm việc. Hạn trả lời phản ánh tính theo bảng này.": "Working days are Monday to Friday, except the days off in the table; a Saturday or Sunday "
    "marked “Make-up working day” is a working day. Feedback deadlines are counted with this table.",
    "Ngày nghỉ và ngày làm bù năm %(year)d": "Days off and make-up working days in %(year)d",
    "Thứ": "Weekday",
    "Làm bù": "Make-up working day",
    "Nghỉ": "Day off",
    "Bỏ ngày này khỏi bảng?": "Remove this day from the table?",
    "Bỏ": "Remove",
    "Chưa có ngày nghỉ hay ngày làm bù nào trong năm này.": "No days off or make-up working days in this year yet.",
    "Thêm hoặc sửa một ngày": "Add or edit a day",
    "Lưu ngày": "Save day",
    "Nhập từ tệp CSV": "Import from a CSV file",
    "Mỗi dòng một ngày: date (năm-tháng-ngày), working (1: làm bù, 0: nghỉ), name. "
    "Tệp có lỗi thì không ngày nào được lưu.": "One day per line: date (year-month-day), working (1: make-up working day, 0: day off), name. "
    "If the file has any error, no day is saved.",
    "Nhập tệp": "Import file",
    "Thời hạn giải quyết theo quy định": "Statutory deadlines",
    "Số ngày": "Days",
    "Cách tính": "Counted in",
    "Áp dụng từ": "Effective from",
    "Căn cứ": "Legal basis",
    "ngày làm việc": "working days",
    "ngày (lịch), lùi sang ngày làm việc kế tiếp nếu rơi vào ngày nghỉ": "calendar days, moved to the next working day if the deadline falls on a day off",
    "Chưa có quy định nào: áp dụng số ngày làm việc mặc định.": "No rules yet: the default number of working days applies.",
    # --- templates/admin/monitoring.html ("Đôn đốc" = follow-up) ---
    "Theo dõi, đôn đốc": "Monitoring and follow-up",
    "Theo dõi, đôn đốc các đơn vị": "Monitoring and follow-up of units",
    "Tình hình ngày %(day)s": "Situation on %(day)s",
    "1. Máy tại quầy mất liên lạc quá %(n)d phút trong giờ làm việc": "1. Counter tablets out of contact for more than %(n)d minutes during working hours",
    "chưa liên lạc lần nào": "never in contact",
    "Không có máy nào mất liên lạc.": "No tablet is out of contact.",
    "2. Điểm tiếp nhận không có đánh giá trong %(n)d ngày": "2. Reception points with no ratings in %(n)d days",
    "Đánh giá gần nhất": "Latest rating",
    "chưa có": "none yet",
    "Điểm nào cũng có đánh giá trong %(n)d ngày qua.": "Every point has had ratings in the past %(n)d days.",
    "3. Đơn vị có phản ánh quá hạn": "3. Units with overdue feedback",
    "Số phản ánh quá hạn": "Overdue feedback items",
    "Không có phản ánh nào quá hạn.": "No feedback is overdue.",
    "4. Đơn vị chưa đạt chỉ tiêu": "4. Units below target",
    "%(days)d ngày gần nhất (%(first)s – %(last)s). Chỉ tiêu: chỉ số hài lòng từ %(index)s%%, "
    "trả lời phản ánh đúng hạn từ %(rate)s%%; chỉ số chỉ được xét khi đơn vị có từ %(n)s câu trả lời.": "The last %(days)d days (%(first)s – %(last)s). Targets: a satisfaction index of at least "
    "%(index)s%%, and at least %(rate)s%% of feedback replied to on time; the index is judged only when a unit "
    "has at least %(n)s answers.",
    "Chỉ số hài lòng (%%)": "Satisfaction index (%%)",
    "Đúng hạn (%%)": "On time (%%)",
    "Chưa đạt": "Targets not met",
    "Không có đơn vị nào dưới chỉ tiêu.": "No unit is below target.",
    "Nhắc nhở đơn vị": "Reminders to units",
    "Nội dung cần đôn đốc": "Matters to follow up",
    "Gửi lời nhắc": "Send a reminder",
    "Lý do nhắc %(unit)s": "Reasons for reminding %(unit)s",
    "Nhắc nhở": "Remind",
    "Không có đơn vị nào cần nhắc nhở.": "No unit needs a reminder.",
    # --- templates/admin/_account_email.html, users.html: e-mail addresses ---
    "Thư điện tử nhận thông báo": "E-mail for notifications",
    "Cảnh báo, phản ánh mới và lời nhắc của Văn phòng gửi tới địa chỉ này. Để trống nếu không muốn nhận.": "Alerts, new feedback and reminders from the Office are sent to this address. "
    "Leave it empty if you do not want to receive them.",
    "Lưu thư điện tử": "Save e-mail address",
    "Thư điện tử của %(u)s": "E-mail address of %(u)s",
    # --- admin/api.py: the competition report of the API ---
    "Cần mã đợt thi đua và giai đoạn hợp lệ.": "A competition period code and a valid stage are required.",
    "Giai đoạn này chưa được chốt.": "This stage has not been frozen yet.",
    # --- admin/competition.py: stage of the live sheet, flashes ---
    "Số liệu hiện tại": "Current figures",
    "Đã nhập %(name)s: %(n)d dòng.": "Rows imported from %(name)s: %(n)d.",
    "Trang công khai đang hiện chỉ số 30 ngày gần nhất.": "The public page now shows the index for the last 30 days.",
    "Đã tắt chỉ số 30 ngày gần nhất.": "The index for the last 30 days has been turned off.",
    "%(stage)s của đợt %(period)s đã được chốt lúc %(at)s, mỗi giai đoạn chỉ chốt một lần. "
    "Kết quả đã chốt ở bên dưới; số liệu mới chỉ thay đổi bảng điểm hiện tại.": "%(stage)s of the period %(period)s was already frozen at %(at)s; each stage is frozen only once. "
    "The frozen results are below; new figures change only the current score sheet.",
    "Đã chốt %(stage)s: %(n)d đơn vị.": "%(stage)s frozen (units: %(n)d).",
    "Đã công bố %(stage)s trên trang công khai.": "%(stage)s published on the public page.",
    "Đã thôi công bố %(stage)s.": "%(stage)s unpublished.",
    "%(unit)s: %(decision)s.": "%(unit)s: %(decision)s.",
    "%(unit)s: không đề xuất.": "%(unit)s: no proposal.",
    "Đã lưu bảng điểm của đợt %(name)s.": "Score sheet settings of the period %(name)s saved.",
    "Đã ghi số liệu tự đánh giá mục %(items)s.": "Self-assessed figures recorded (items: %(items)s).",
    "Số liệu không thay đổi, không ghi thêm.": "The figures have not changed; nothing new was recorded.",
    "Đã lưu minh chứng %(name)s cho mục %(item)d.": "Evidence %(name)s saved for item %(item)d.",
    "Mục %(item)d: đã điều chỉnh thành %(value)s%%.": "Item %(item)d: adjusted to %(value)s%%.",
    "Mục %(item)d: đã chấp nhận số liệu của đơn vị.": "Item %(item)d: the unit's figure has been accepted.",
    "Đã thêm dòng %(points)s điểm: %(reason)s.": "Added %(points)s points: %(reason)s.",
    "Đã rút dòng điểm: %(reason)s.": "Bonus or penalty withdrawn: %(reason)s.",
    # --- admin/forms.py: the six items of the score sheet (Kế hoạch = the Plan) ---
    "Công khai thông tin, chính sách": "Publishing information and policies",
    "Niêm yết công khai thủ tục hành chính": "Public posting of administrative procedures",
    "Giải quyết hồ sơ đúng hạn": "Dossiers settled on time",
    "Trả lời phản ánh, kiến nghị đúng hạn": "Feedback answered on time",
    "Chất lượng tiếp đón, hướng dẫn": "Quality of reception and guidance",
    "Công sở, cán bộ": "Office premises and staff",
    # --- admin/forms.py: where an item's figure came from (ITEM_SOURCE_LABELS) ---
    "tự đánh giá": "self-assessed",
    "đã thẩm định": "reviewed",
    "chưa có số liệu": "no figures yet",
    "số liệu một cửa": "one-stop-shop figures",
    "phản ánh": "feedback",
    "không có phản ánh đến hạn": "no feedback due",
    "câu trả lời": "answers",
    "chưa có câu trả lời": "no answers yet",
    # --- admin/forms.py: proposals (DECISION_LABELS), item 4's rule (ITEM4_LABELS), checks ---
    "Đề nghị khen thưởng": "Proposed for an award",
    "Phê bình": "Criticised",
    "Tỷ lệ thuận: điểm tối đa × tỷ lệ trả lời đúng hạn": "Proportional: maximum points × on-time reply rate",
    # No "% f"-like sequence here: the placeholder check would read one.
    "Theo bậc của Thông tư 01/2018/TT-VPCP: 100% đủ điểm, từ 90% một nửa, dưới 90% không điểm": "In steps, per Circular 01/2018/TT-VPCP: full points at 100%, half from 90%, none below 90%",
    "Nhập tỷ lệ phần trăm từ 0 đến 100, ví dụ 95 hoặc 95,5.": "Enter a percentage from 0 to 100, for example 95 or 95.5.",
    "Điều chỉnh số liệu của đơn vị thì cần nêu lý do.": "Give a reason when adjusting the unit's figure.",
    "Nêu lý do đề xuất.": "Give the reason for the proposal.",
    # --- admin/forms.py: self-assessment, evidence, the Office's review ---
    "Tỷ lệ đạt (%)": "Rate achieved (%)",
    "Căn cứ, ghi chú": "Basis and notes",
    "Nhập tỷ lệ của ít nhất một mục.": "Enter the rate of at least one item.",
    "Minh chứng cho mục": "Evidence for item",
    "Tệp PDF, PNG hoặc JPEG": "PDF, PNG or JPEG file",
    "Chọn tệp minh chứng.": "Choose an evidence file.",
    "Tên tệp không hợp lệ: chỉ dùng tên tệp, không kèm đường dẫn hay dấu chấm ở đầu.": "Invalid file name: use a plain file name, with no path and no leading dot.",
    "Tên tệp quá dài hoặc có ký tự điều khiển: đổi tên tệp rồi gửi lại.": "The file name is too long or contains control characters: rename the file and send it again.",
    "Tệp quá lớn: tối đa %(size)s MB.": "The file is too large: at most %(size)s MB.",
    "Chỉ nhận tệp PDF, PNG hoặc JPEG (nội dung tệp phải đúng loại ghi ở đuôi tên tệp).": "Only PDF, PNG or JPEG files are accepted (the file's content must be of the type its "
    "extension names).",
    "Chấp nhận": "Accept",
    "Điều chỉnh": "Adjust",
    "Đơn vị chưa tự đánh giá mục này: nhập tỷ lệ thẩm định và lý do (Điều chỉnh).": "The unit has not self-assessed this item: enter the reviewed rate and a reason (Adjust).",
    "Mục": "Item",
    "Thẩm định": "Review",
    "Tỷ lệ thẩm định (%)": "Reviewed rate (%)",
    "Lý do điều chỉnh": "Reason for the adjustment",
    # --- admin/forms.py: bonus and penalty lines ---
    "Số điểm phải lớn hơn 0 và không quá 100.": "The points must be greater than 0 and at most 100.",
    "Nêu lý do cộng, trừ điểm.": "Give the reason for the bonus or penalty.",
    "Điểm cộng": "Bonus",
    "Điểm trừ": "Penalty",
    "Số điểm": "Points",
    "Nhập một số, ví dụ 10 hoặc 2,5.": "Enter a number, for example 10 or 2.5.",
    # --- admin/forms.py: stages, publication, the public page's live index, proposals ---
    "Giai đoạn": "Stage",
    "Công bố": "Publish",
    "Chỉ số 30 ngày gần nhất trên trang công khai": "Index for the last 30 days on the public page",
    "Đề xuất": "Proposal",
    "Không đề xuất": "No proposal",
    # --- admin/forms.py: score sheet settings and imports (loại = class here) ---
    "Điểm tối đa của mục từ 0 đến 100.": "An item's maximum points must be between 0 and 100.",
    "Mục %(n)s: %(label)s": "Item %(n)s: %(label)s",
    "Mỗi dòng: mã | tên | điểm tối thiểu; ít nhất hai loại, điểm tối thiểu giảm dần, dòng cuối không có điểm tối thiểu.": "One class per line: code | name | minimum score; at least two classes, minimum scores "
    "decreasing, the last line without a minimum score.",
    "Cách tính mục 4": "How item 4 is scored",
    "Xếp loại, mỗi dòng: mã | tên | điểm tối thiểu (dòng cuối để trống điểm)": "Classes, one per line: code | name | minimum score (no score on the last line)",
    "Số liệu mục 1–3 đã thẩm định (period,unit,item,value,note)": "Reviewed figures of items 1–3 (period,unit,item,value,note)",
    "Hồ sơ một cửa cho mục 3 (unit,period,on_time,late)": "One-stop-shop dossiers for item 3 (unit,period,on_time,late)",
    # --- core/competition/inputs.py, reviews.py, settings.py: errors ---
    "Số liệu tự đánh giá không hợp lệ.": "Invalid self-assessed figure.",
    "Đơn vị chưa tự đánh giá mục này.": "The unit has not self-assessed this item.",
    "Số liệu thẩm định không hợp lệ.": "Invalid reviewed figure.",
    "Không thêm được điểm thưởng, điểm trừ.": "Could not add the bonus or penalty.",
    "Tệp minh chứng không hợp lệ.": "Invalid evidence file.",
    "Giai đoạn không hợp lệ.": "Invalid stage.",
    "Giai đoạn này đã được chốt.": "This stage has already been frozen.",
    "Chỉ đề xuất khen thưởng, phê bình từ kết quả tổng kết.": "Awards and criticism can be proposed only from the final review's results.",
    "Đơn vị không có trong kết quả này.": "The unit is not in these results.",
    "Đề xuất không hợp lệ.": "Invalid proposal.",
    "Cấu hình bảng điểm không hợp lệ.": "Invalid score sheet settings.",
    # --- templates/admin/layout.html, competition_periods.html ---
    "Thi đua": "Competition",
    "Bảng điểm sáu mục của từng đợt thi đua: số liệu hiện tại, sơ kết và tổng kết đã chốt. "
    "Đơn vị tự đánh giá mục 1–3 kèm minh chứng; Văn phòng Thanh tra tỉnh thẩm định, chốt và công bố.": "The six-item score sheet of each competition period: the current figures, and the frozen "
    "mid-term and final reviews. Units self-assess items 1–3 with evidence; the Provincial Inspectorate Office reviews, "
    "freezes and publishes.",
    "Bảng điểm hiện tại (tạm tính)": "Current score sheet (provisional)",
    "đã chốt lúc %(at)s": "frozen at %(at)s",
    "Đã công bố": "Published",
    "Chưa công bố": "Not published",
    "chưa chốt": "not frozen yet",
    "Cấu hình bảng điểm": "Score sheet settings",
    "Chưa có đợt thi đua nào.": "No competition periods yet.",
    "Trang công khai": "Public page",
    "Trang công khai đang hiện chỉ số hài lòng 30 ngày gần nhất của mọi đơn vị, bên cạnh các kết quả đã công bố.": "The public page shows every unit's satisfaction index for the last 30 days, next to the "
    "published results.",
    "Trang công khai chỉ hiện các kết quả sơ kết, tổng kết đã công bố.": "The public page shows only the published results of mid-term and final reviews.",
    "Tắt chỉ số 30 ngày gần nhất": "Turn off the index for the last 30 days",
    "Hiện chỉ số 30 ngày gần nhất": "Show the index for the last 30 days",
    "Nhập số liệu từ tệp": "Import figures from a file",
    "Tệp .csv (UTF-8) hoặc .xlsx có dòng tiêu đề. Số liệu mục 1–3 Văn phòng đã nhận: period,unit,item,value,note "
    "(ghi là đã thẩm định). Hồ sơ một cửa cho mục 3: unit,period,on_time,late. Tệp có lỗi thì không có gì được lưu.": "A .csv (UTF-8) or .xlsx file with a header row. Figures of items 1–3 received by the Office: "
    "period,unit,item,value,note (recorded as reviewed). One-stop-shop dossiers for item 3: unit,period,on_time,late. "
    "If the file has any error, nothing is saved.",
    # --- templates/admin/competition_settings.html ---
    "‹ Bảng điểm của đợt": "‹ The period's score sheet",
    "Điểm tối đa của từng mục hiện có tổng là %(total)s điểm. Cấu hình mới áp dụng cho bảng điểm hiện tại và "
    "các lần chốt sau; sơ kết, tổng kết đã chốt giữ cấu hình lúc chốt.": "The items' maximum points now add up to %(total)s. New settings apply to the current score "
    "sheet and to later freezes; frozen mid-term and final reviews keep the settings they were frozen with.",
    "Đã chốt:": "Frozen:",
    "Điểm tối đa của từng mục": "Maximum points of each item",
    # The class labels are the office's data (shown as written, in Vietnamese): the example keeps one.
    "Ví dụ: xuat_sac | Xuất sắc | 90 — mỗi dòng một loại, từ cao xuống thấp; đơn vị đạt từ điểm tối thiểu của "
    "dòng nào thì thuộc loại đó; dòng cuối để trống điểm tối thiểu.": "Example: xuat_sac | Xuất sắc | 90 — one class per line, from the highest to the lowest; "
    "a unit reaching a line's minimum score gets that class; leave the minimum score of the last line empty.",
    "Lưu cấu hình": "Save settings",
    # --- templates/admin/competition_sheet.html, report_ranking.html ---
    "Bảng điểm thi đua": "Competition score sheet",
    "Tải XLSX": "Download XLSX",
    "Tải PDF": "Download PDF",
    "đã công bố": "published",
    "Các đợt thi đua": "All competition periods",
    "%(stage)s từ %(first)s đến %(last)s, chốt lúc %(at)s.": "%(stage)s from %(first)s to %(last)s, frozen at %(at)s.",
    "Số liệu tạm tính từ %(first)s đến %(last)s; bảng thay đổi khi có câu trả lời, phản ánh hay số liệu mới.": "Provisional figures from %(first)s to %(last)s; the sheet changes as new answers, feedback or "
    "figures come in.",
    "Xếp hạng trong từng khối, cụm; đơn vị bằng điểm cùng hạng. Đơn vị có dưới %(n)s câu trả lời chưa đủ để "
    "xếp hạng, xếp loại.": "Ranked within each competition group; units with equal scores share a rank. Units with fewer "
    "than %(n)s answers have too few to be ranked or classed.",
    "Chốt, kiểm tra, công bố": "Freeze, verify, publish",
    "Chốt %(stage)s? Sau khi chốt, kết quả không thay đổi nữa.": "%(stage)s: freeze it now? Once frozen, the results no longer change.",
    "Chốt sơ kết": "Freeze the mid-term review",
    "Chốt tổng kết": "Freeze the final review",
    "Sơ kết và tổng kết đều đã chốt.": "The mid-term and final reviews are both frozen.",
    "Kiểm tra lại": "Verify",
    "Thôi công bố": "Unpublish",
    "Có %(n)d khác biệt giữa kết quả đã chốt và dữ liệu gốc:": "Differences between the frozen results and the source data (%(n)d):",
    "Mọi số liệu khớp với dữ liệu gốc": "All figures match the source data",
    "Không thuộc khối, cụm thi đua": "Not in a competition group",
    "XLSX của khối, cụm": "XLSX of the group",
    "PDF của khối, cụm": "PDF of the group",
    "Mục %(n)s": "Item %(n)s",
    "tối đa %(max)s": "max. %(max)s",
    "đơn vị → thẩm định": "unit → reviewed",
    "Tổng điểm": "Total score",
    "Xếp loại": "Class",
    "Chỉ số hài lòng (KTC 95%%)": "Satisfaction index (95%% CI)",
    "Câu trả lời": "Answers",
    "không khác biệt có ý nghĩa thống kê so với đơn vị xếp trên": "not statistically different from the unit ranked above",
    "đơn vị tự đánh giá %(own)s · Văn phòng thẩm định %(reviewed)s": "self-assessed by the unit %(own)s · reviewed by the Office %(reviewed)s",
    "đơn vị tự đánh giá": "self-assessed by the unit",
    "thẩm định": "reviewed",
    "Chưa đủ câu trả lời": "Too few answers",
    "Không có đơn vị nào trong bảng điểm.": "No units in the score sheet.",
    "Cách đọc bảng": "How to read the sheet",
    "Mỗi mục: điểm đạt / điểm tối đa · tỷ lệ · nguồn số liệu. Mục 1–3: tỷ lệ đơn vị tự đánh giá và tỷ lệ Văn phòng "
    "thẩm định; điểm tính theo số liệu đã thẩm định, chưa thẩm định thì theo số liệu đơn vị.": "Each item: points scored / maximum points · rate · source of the figure. Items 1–3: the rate "
    "self-assessed by the unit and the rate reviewed by the Office; the points follow the reviewed figure, or the unit's "
    "own figure until it is reviewed.",
    "≈ không khác biệt có ý nghĩa thống kê so với đơn vị xếp trên: với số câu trả lời hiện có, chưa phân biệt được "
    "chỉ số hài lòng của hai đơn vị.": "≈ not statistically different from the unit ranked above: with the answers so far, the two "
    "units' satisfaction indices cannot be told apart.",
    "KTC 95%%: khoảng tin cậy 95%%: với số câu trả lời hiện có, chỉ số thật nằm trong khoảng này với độ tin cậy 95%%.": "95%% CI: 95%% confidence interval: given the answers so far, the true index lies in this "
    "interval with 95%% confidence.",
    "KTC 95%%": "95%% CI",
    "Đề xuất khen thưởng, phê bình": "Award and criticism proposals",
    "Từ kết quả tổng kết đã chốt. Mỗi đề xuất cần lý do; chọn “Không đề xuất” để rút đề xuất đã ghi.": "From the frozen final review's results. Each proposal needs a reason; choose “No proposal” to "
    "withdraw a recorded one.",
    # --- templates/admin/competition_unit.html ---
    "Điểm hiện tại (tạm tính)": "Current score (provisional)",
    "Tối đa": "Maximum",
    "Nguồn số liệu": "Source of the figure",
    "Hạng %(rank)s trong khối, cụm": "Rank %(rank)s in the group",
    "Đơn vị tự đánh giá mục 1–3": "The unit's self-assessment of items 1–3",
    "Tỷ lệ phần trăm đạt được của từng mục, kèm căn cứ (số báo cáo, đường dẫn trên cổng thông tin…). Mục để trống "
    "thì không ghi. Mỗi lần lưu được ghi thêm vào lịch sử, không xoá số liệu cũ.": "The percentage achieved on each item, with its basis (report number, link on the web "
    "portal…). Items left empty are not recorded. Each save is added to the history; earlier figures are not deleted.",
    "Đơn vị:": "Unit:",
    "Thẩm định:": "Reviewed:",
    "Lưu số liệu tự đánh giá": "Save the self-assessment",
    "Minh chứng": "Evidence",
    "Dung lượng (KB)": "Size (KB)",
    "Tải lên lúc": "Uploaded at",
    "Người tải": "Uploaded by",
    "Chưa có minh chứng nào.": "No evidence yet.",
    "Tệp PDF, PNG hoặc JPEG. Chỉ tài khoản của đơn vị và Văn phòng Thanh tra tỉnh tải được tệp này.": "A PDF, PNG or JPEG file. Only the unit's accounts and the Provincial Inspectorate Office can "
    "download it.",
    "Tải minh chứng lên": "Upload evidence",
    "Thẩm định của Văn phòng": "The Office's review",
    "Chấp nhận: lấy tỷ lệ đơn vị tự đánh giá. Điều chỉnh: nhập tỷ lệ thẩm định và lý do (bắt buộc).": "Accept: take the rate self-assessed by the unit. Adjust: enter the reviewed rate and a reason "
    "(required).",
    "Điểm cộng, điểm trừ": "Bonuses and penalties",
    "Ghi lúc": "Recorded at",
    "Tình trạng": "Status",
    "đã rút lúc %(at)s": "withdrawn at %(at)s",
    "đang tính": "counted",
    "Rút dòng điểm này?": "Withdraw this line?",
    "Rút": "Withdraw",
    "Chưa có điểm cộng, điểm trừ.": "No bonuses or penalties yet.",
    "Ví dụ: Cờ thi đua của UBND tỉnh": "For example: Emulation Flag of the Provincial People's Committee",
    "Thêm dòng điểm": "Add bonus or penalty",
    "Lịch sử số liệu mục 1–3": "History of the figures of items 1–3",
    "Người ghi": "Recorded by",
    "Ghi chú, lý do": "Note or reason",
    "Đơn vị tự đánh giá": "Self-assessed by the unit",
    "Văn phòng thẩm định": "Reviewed by the Office",
    "dòng lệnh, tệp nhập": "command line or imported file",
    "Chưa có số liệu nào.": "No figures yet.",
    # --- templates/admin/survey_edit.html: the criteria lines' hint (the parser reads có/yes for "required") ---
    "Mỗi dòng: mã | nhãn | câu hỏi | bắt buộc (có/không) | yếu tố SIPAS | mục của bảng điểm thi đua "
    "(5: chất lượng tiếp dân, 6: công sở và cán bộ, hoặc để trống).": "One per line: code | label | question | required (yes/no) | SIPAS factor | item of the "
    "competition score sheet (5: quality of citizen reception, 6: office premises and staff, or empty).",
    # --- transparency/results.py: the default classes ---
    "Xuất sắc": "Excellent",
    "Tốt": "Good",
    "Khá": "Fair",
    "Trung bình": "Average",
    "Yếu": "Poor",
    # --- templates/public/layout.html, index.html, _chart.html (chart.svg), tv.html: the public page ---
    "Công khai kết quả thi đua": "Public competition results",
    "Số liệu tổng hợp từ các lượt đánh giá ẩn danh tại các điểm tiếp nhận. Trang này không công khai ý kiến hay "
    "thông tin liên hệ của người dân.": "Figures aggregated from anonymous ratings at the reception points. This page does not publish "
    "citizens' comments or contact details.",
    "Xem trên màn hình lớn": "View on a large screen",
    "Số liệu từ ngày": "Period covered",
    "Chốt số liệu lúc": "Figures frozen at",
    "Công bố lúc": "Published at",
    "Điểm thi đua trên thang 100 điểm gồm 6 nội dung của Kế hoạch, cộng điểm thưởng và trừ điểm phạt; xếp hạng trong "
    "từng cụm, khối thi đua. Đơn vị có dưới %(n)s câu trả lời của người dân chưa được xếp hạng, xếp loại.": "The competition score, out of 100 points, covers the 6 items of the Plan, plus bonuses and "
    "minus penalties; units are ranked within each competition group. Units with fewer than %(n)s answers from citizens "
    "are not ranked or classed.",
    "Đường đứt nét trên biểu đồ là ngưỡng xếp loại:": "The dashed lines on the charts mark the class thresholds:",
    "Điểm thi đua": "Competition score",
    "chưa đủ câu trả lời": "too few answers",
    "Chưa đủ câu trả lời để xếp hạng": "Too few answers to be ranked",
    "Biểu đồ điểm thi đua của %(group)s; số liệu như trong bảng.": "Chart of competition scores: %(group)s (the same figures as in the table).",
    "Tải biểu đồ (SVG)": "Download the charts (SVG)",
    "Chưa có kết quả được công bố.": "No results have been published yet.",
    "Chỉ số hài lòng trực tiếp, 30 ngày gần nhất": "Live satisfaction index, last 30 days",
    "Số liệu trực tiếp, chưa phải kết quả chính thức.": "Live figures, not official results.",
    "Từ %(first)s đến %(last)s; cập nhật theo từng lượt đánh giá. Đơn vị có dưới %(n)s câu trả lời chưa được "
    "xếp hạng.": "From %(first)s to %(last)s; updated with every rating. Units with fewer than %(n)s answers are "
    "not ranked.",
    "Các kết quả đã công bố khác": "Other published results",
    "Kết quả thi đua": "Competition results",
    "Số liệu từ %(first)s đến %(last)s, chốt lúc %(frozen)s": "Figures from %(first)s to %(last)s, frozen at %(frozen)s",
    "Chỉ số hài lòng 30 ngày gần nhất": "Satisfaction index, last 30 days",
    "Từ %(first)s đến %(last)s. Số liệu trực tiếp, chưa phải kết quả chính thức.": "From %(first)s to %(last)s. Live figures, not official results.",
}


def _more_entries() -> None:
    """Topic files tools/en/*.py each hold an `EN` dict of their own (new screens add theirs there,
    so that several people can add translations without editing one file at once)."""
    import runpy
    from pathlib import Path

    for path in sorted((Path(__file__).parent / "en").glob("*.py")):
        EN.update(runpy.run_path(str(path))["EN"])


_more_entries()

_PLACEHOLDER = re.compile(
    r"%\([A-Za-z_][A-Za-z0-9_]*\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]"
    r"|"
    r"%[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]"
    r"|"
    r"\{[^{}]*\}"
)


def _tokens(text: str) -> list[str]:
    """Placeholders, %% escapes, {fields} and HTML-ish tags, ignoring the <mã>/<token> example."""
    tags = [t for t in re.findall(r"</?[a-z][a-z0-9]*\b[^<>]*>", text) if t != "<token>"]
    return sorted(_PLACEHOLDER.findall(text) + tags)


def _edge(text: str) -> tuple[str, str]:
    return text[: len(text) - len(text.lstrip())], text[len(text.rstrip()) :]


def check(msgid: str, msgstr: str) -> list[str]:
    problems = []
    if _tokens(msgid) != _tokens(msgstr):
        problems.append(f"placeholders differ: {_tokens(msgid)} vs {_tokens(msgstr)}")
    if _edge(msgid) != _edge(msgstr):
        problems.append("leading/trailing whitespace differs")
    return problems


def _entry(message) -> tuple[str, object] | None:
    """(the kind of outcome, the new msgstr or the problem) for one catalog entry."""
    singular = message.id[0] if message.pluralizable else message.id
    current = message.string
    has = all(current) if isinstance(current, (tuple, list)) else bool(current)
    if has and not message.fuzzy:
        return "kept", None
    value = EN.get(singular)
    if value is None:
        return "missing", None
    if message.pluralizable != (not isinstance(value, str)):
        return "bad", "plural entries need a (singular, plural) tuple, others a plain string"
    if message.pluralizable:
        pairs = [(message.id[0], value[0]), (message.id[1], value[1])]
        new = tuple(value[:2]) + tuple(value[1] for _ in range(len(current) - 2))
    else:
        pairs, new = [(message.id, value)], value
    problems = [p for mid, mstr in pairs for p in check(mid, mstr)]
    if problems:
        return "bad", "; ".join(problems)
    return "filled", new


def fill(catalog) -> tuple[int, int, list, list]:
    filled, kept, missing, bad = 0, 0, [], []
    for message in catalog:
        if not message.id:
            continue
        outcome, value = _entry(message)
        if outcome == "kept":
            kept += 1
        elif outcome == "missing":
            missing.append(message.id)
        elif outcome == "bad":
            bad.append((message.id[0] if message.pluralizable else message.id, value))
        else:
            message.string = value
            message.flags.discard("fuzzy")
            filled += 1
    return filled, kept, missing, bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--po", default="/work/main/translations/en/LC_MESSAGES/messages.po")
    ap.add_argument("--dry-run", action="store_true")
    args = ap.parse_args()

    with open(args.po, "rb") as fh:
        catalog = read_po(fh)

    filled, kept, missing, bad = fill(catalog)
    if not args.dry_run and filled:
        with open(args.po, "wb") as fh:
            write_po(fh, catalog, width=76)

    total = sum(1 for m in catalog if m.id)
    print(
        f"{args.po}: {total} messages; filled {filled}, already translated {kept}, "
        f"missing {len(missing)}, rejected {len(bad)}{' (dry run)' if args.dry_run else ''}"
    )
    for msgid in missing:
        print("MISSING:", repr(msgid))
    for msgid, why in bad:
        print("REJECTED:", repr(msgid), "-", why)
    unused = set(EN) - {m.id[0] if m.pluralizable else m.id for m in catalog if m.id}
    if unused:
        print(f"note: {len(unused)} EN entries no longer in the catalog (obsolete msgids)")
    return 1 if missing or bad else 0


if __name__ == "__main__":
    sys.exit(main())
