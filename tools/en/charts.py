EN = {
    "Tỷ lệ cộng dồn (%)": "Cumulative share (%)",
    "Số lượt đánh giá theo giờ và ngày trong tuần": "Answers by hour and weekday",
    "So sánh theo kênh đánh giá": "By channel",
    "%(n)s lượt": "%(n)s answers",
    "Chỉ số hài lòng theo tiêu chí (khoảng tin cậy 95%)": "Index by criterion (95-percent confidence interval)",
    "Chỉ số hài lòng theo đơn vị": "Satisfaction index by unit",
    "Chỉ số hài lòng (%%) — màu xám: chưa đủ mẫu (< %(n)s lượt)": (
        "Satisfaction index (%%) — grey: too few answers (< %(n)s answers)"
    ),
    "Chỉ số hài lòng (%)": "Satisfaction index (%)",
    "Xu hướng theo tuần": "Weekly trend",
    "Lý do chưa hài lòng (Pareto)": "Reasons for dissatisfaction (Pareto)",
    "Số lần được chọn": "Times chosen",
    "Chưa có dữ liệu trong khoảng thời gian này": "No data in this period",
}
