"""The console's two languages. Chosen by ?lang=, then a cookie, then the browser's
Accept-Language; English when nothing matches."""

from __future__ import annotations

from flask import request

LANGUAGES = ("zh", "en")
TEXT = {
    "title": ("recyclenet 再生资源回收网络", "recyclenet recycling network"),
    "sign_in": ("登录", "Sign in"),
    "sign_out": ("退出", "Sign out"),
    "sign_up": ("注册", "Sign up"),
    "username": ("用户名", "Username"),
    "password": ("密码", "Password"),
    "dispatcher": ("调度台", "Dispatch"),
    "operator": ("分拣中心", "Sorting center"),
    "resident": ("居民", "Resident"),
    "center": ("分拣中心", "Sorting center"),
    "date": ("日期", "Date"),
    "create_plan": ("生成路线", "Create plan"),
    "dispatch": ("派车", "Dispatch"),
    "replan": ("重新规划", "Re-plan"),
    "progress": ("求解进度", "Solving"),
    "routes": ("路线", "Routes"),
    "km": ("公里", "km"),
    "empty_km": ("空驶公里", "empty km"),
    "km_per_tonne": ("公里/吨", "km per tonne"),
    "baseline": ("固定班次", "Fixed round"),
    "saving": ("节省", "Saving"),
    "alerts": ("告警", "Alerts"),
    "ack": ("确认", "Acknowledge"),
    "bookings": ("预约", "Bookings"),
    "collection_point": ("回收点", "Collection point"),
    "sorting_center": ("分拣中心", "Sorting center"),
    "distribution_market": ("集散市场", "Market"),
    "fill": ("满溢度", "Fill"),
    "offline": ("离线", "offline"),
    "stop": ("站点", "Stop"),
    "move_to": ("移到路线", "Move to route"),
    "drop": ("移除", "Drop"),
    "intake": ("进场过磅", "Intake"),
    "vehicle": ("车辆", "Vehicle"),
    "category": ("品类", "Category"),
    "gross": ("毛重 kg", "Gross kg"),
    "tare": ("皮重 kg", "Tare kg"),
    "save": ("保存", "Save"),
    "stock": ("库存", "Stock"),
    "ship_lot": ("出库批次", "Ship a lot"),
    "market": ("市场", "Market"),
    "weight": ("重量 kg", "Weight kg"),
    "price": ("单价/kg", "Price per kg"),
    "corrects": ("更正", "corrects"),
    "book": ("预约上门回收", "Book a pickup"),
    "quantity": ("数量", "Quantity"),
    "slot": ("时段", "Window"),
    "remaining": ("剩余", "left"),
    "closed": ("已截止", "closed"),
    "my_bookings": ("我的预约", "My bookings"),
    "cancel": ("取消", "Cancel"),
    "wallet": ("钱包", "Wallet"),
    "balance": ("余额", "Balance"),
    "status": ("状态", "Status"),
    "twin_report": ("数字孪生报告", "Digital twin report"),
    "language": ("English", "中文"),
    "no_tiles": ("无底图（离线）", "no map tiles (offline)"),
    "address": ("地址", "Address"),
    # the call center's page
    "agent": ("呼叫中心", "Call center"),
    "find_caller": ("按电话查找来电居民", "Find the caller by phone number"),
    "phone": ("电话", "Phone"),
    "find": ("查找", "Find"),
    "no_caller": ("未找到：登记来电居民", "Not found: register the caller"),
    "register_caller": ("登记来电居民", "Register the caller"),
    "name": ("姓名", "Name"),
    "caller": ("来电居民", "Caller"),
    "history": ("预约记录", "Bookings"),
    "has_account": ("已注册账号", "has an account"),
    "no_account": ("无账号（电话登记）", "no account (registered by phone)"),
    # booking statuses, as the API names them
    "requested": ("已预约", "requested"),
    "scheduled": ("已排班", "scheduled"),
    "en_route": ("车辆在途", "en route"),
    "collected": ("已收运", "collected"),
    "received": ("已入场", "received"),
    "settled": ("已结算", "settled"),
    "cancelled": ("已取消", "cancelled"),
    "missed": ("未收运", "missed"),
}


def current_language() -> str:
    lang = request.args.get("lang") or request.cookies.get("lang")
    if lang in LANGUAGES:
        return lang
    return request.accept_languages.best_match(LANGUAGES, default="en")


def table(lang: str) -> dict[str, str]:
    index = LANGUAGES.index(lang)
    return {key: pair[index] for key, pair in TEXT.items()}
