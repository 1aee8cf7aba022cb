"""English of the background exports' msgids (admin/exports.py, templates/admin/_downloads.html,
export_job.html, export_jobs.html)."""

EN = {
    "Báo cáo Word cho cuộc họp": "Meeting report (Word)",
    "CSV": "CSV",
    "Mọi câu trả lời": "Every answer",
    "Đang chờ": "Waiting",
    "Đang tạo tệp": "Building the file",
    "Sẵn sàng": "Ready",
    "Không tạo được": "Failed",
    "Đang lấy số liệu (%(done)d/%(total)d)": "Gathering the figures (%(done)d/%(total)d)",
    "Đang ghi %(done)s/%(total)s dòng": "Writing row %(done)s of %(total)s",
    "Đang vẽ báo cáo": "Drawing the report",
    "Tệp đã yêu cầu": "Requested files",
    "Yêu cầu lúc %(when)s": "Requested at %(when)s",
    "Yêu cầu lúc": "Requested at",
    "Có thể rời trang này: tệp vẫn được tạo, và danh sách “Tệp đã yêu cầu” giữ nó.": (
        "You may leave this page: the file is still being built, and the “Requested files” list keeps it."
    ),
    "Tải về": "Download",
    "Tệp được giữ đến %(when)s.": "The file is kept until %(when)s.",
    "Không tạo được tệp này. Hãy thử lại; nếu vẫn lỗi, báo cho quản trị hệ thống.": (
        "This file could not be built. Please try again; if it fails again, tell the system administrator."
    ),
    "Thử lại": "Try again",
    "Các tệp bạn đã yêu cầu được tạo ở chế độ nền và giữ trong %(hours)d giờ. Chỉ bạn thấy chúng.": (
        "The files you asked for are built in the background and kept for %(hours)d hours. Only you can see them."
    ),
    "Chưa có tệp nào.": "No files yet.",
}
