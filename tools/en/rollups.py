"""English of the flag change: leaving an answer out of the figures, or counting it again."""

EN = {
    "%(who)s đã đổi đánh dấu của một câu trả lời": "%(who)s changed the flag of an answer",
    "Đánh dấu": "Flag",
    "Nghi gửi dồn dập": "Suspected burst of taps",
    "Đánh giá lặp lại": "Repeated rating",
    "Giờ máy sai": "Device clock wrong",
    "Tính lại vào số liệu": "Count it again",
    "Chọn một loại đánh dấu trong danh sách.": "Choose a flag from the list.",
    "Ghi lý do (bắt buộc, tối đa 500 ký tự).": "Give a reason (required, at most 500 characters).",
    "Loại khỏi số liệu": "Leave out of the figures",
    "Đã loại câu trả lời khỏi số liệu.": "The answer is left out of the figures.",
    "Đã tính lại câu trả lời vào số liệu.": "The answer counts again.",
    "Chưa đổi được: %(problem)s": "Not changed: %(problem)s",
    "Loại đánh dấu không hợp lệ.": "Unknown flag.",
    "Không tìm thấy câu trả lời.": "No such answer.",
}
