"""Demo outlets: forty stores across the six demo cities, each city's outlets assigned to its demo rep.

Idempotent by outlet code: a second run creates nothing and changes nothing (an existing outlet keeps its data and
its reps).
"""

from decimal import Decimal

from django.db import transaction

from accounts.models import Region, User

from ..models import Outlet, OutletChannel

H, S, C, T, ON, D = (
    OutletChannel.HYPERMARKET,
    OutletChannel.SUPERMARKET,
    OutletChannel.CONVENIENCE,
    OutletChannel.TRADITIONAL,
    OutletChannel.ONLINE,
    OutletChannel.DISTRIBUTOR,
)

# (code, name, channel, address, latitude, longitude); the region is the code's prefix.
OUTLETS = [
    ("SH-001", "联华超市(南京东路店)", S, "上海市黄浦区南京东路 800 号", "31.235929", "121.477231"),
    ("SH-002", "家乐福(古北店)", H, "上海市长宁区水城南路 268 号", "31.199410", "121.398110"),
    ("SH-003", "大润发(杨浦店)", H, "上海市杨浦区国和路 88 号", "31.296660", "121.517690"),
    ("SH-004", "全家(淮海中路店)", C, "上海市黄浦区淮海中路 300 号", "31.222700", "121.473000"),
    ("SH-005", "罗森(陆家嘴店)", C, "上海市浦东新区陆家嘴环路 1000 号", "31.238900", "121.501600"),
    ("SH-006", "好德便利(徐家汇店)", C, "上海市徐汇区虹桥路 1 号", "31.195300", "121.437700"),
    ("SH-007", "老王烟杂店", T, "上海市普陀区长寿路 512 号", "31.241500", "121.432900"),
    ("SH-008", "沪东食品批发部", D, "上海市宝山区铁力路 2555 号", "31.397200", "121.444800"),
    ("HZ-001", "物美(文三路店)", S, "杭州市西湖区文三路 259 号", "30.277500", "120.131200"),
    ("HZ-002", "世纪联华(庆春店)", H, "杭州市上城区庆春路 86 号", "30.260800", "120.170700"),
    ("HZ-003", "全家(武林广场店)", C, "杭州市拱墅区武林广场 1 号", "30.272600", "120.164000"),
    ("HZ-004", "联华快客(滨江店)", C, "杭州市滨江区江南大道 588 号", "30.207900", "120.210900"),
    ("HZ-005", "西湖区副食品商店", T, "杭州市西湖区西溪路 125 号", "30.262400", "120.124700"),
    ("HZ-006", "天猫超市(杭州仓)", ON, "杭州市余杭区文一西路 969 号", "30.279100", "120.025800"),
    ("BJ-001", "物美(大钟寺店)", H, "北京市海淀区北三环西路 18 号", "39.966500", "116.341400"),
    ("BJ-002", "超市发(双榆树店)", S, "北京市海淀区双榆树东里 39 号", "39.970100", "116.323800"),
    ("BJ-003", "家乐福(中关村店)", H, "北京市海淀区中关村广场 B1", "39.983100", "116.310200"),
    ("BJ-004", "7-Eleven(国贸店)", C, "北京市朝阳区建国门外大街 1 号", "39.908700", "116.459800"),
    ("BJ-005", "便利蜂(望京店)", C, "北京市朝阳区望京街 9 号", "39.996800", "116.480700"),
    ("BJ-006", "京客隆(朝阳门店)", S, "北京市朝阳区朝阳门外大街 20 号", "39.924100", "116.436200"),
    ("BJ-007", "京东到家(北京站)", ON, "北京市大兴区亦庄经济开发区科创十一街 18 号", "39.786600", "116.561200"),
    ("TJ-001", "华润万家(南开店)", H, "天津市南开区南马路 1 号", "39.138500", "117.179100"),
    ("TJ-002", "物美(河西店)", S, "天津市河西区友谊路 32 号", "39.106300", "117.206100"),
    ("TJ-003", "罗森(滨江道店)", C, "天津市和平区滨江道 208 号", "39.125000", "117.201900"),
    ("TJ-004", "红旗便利(河北店)", C, "天津市河北区中山路 66 号", "39.156600", "117.198500"),
    ("TJ-005", "津北副食批发", D, "天津市北辰区京津公路 378 号", "39.224900", "117.134700"),
    ("GZ-001", "天虹(天河店)", S, "广州市天河区天河路 208 号", "23.133600", "113.322000"),
    ("GZ-002", "永旺(番禺店)", H, "广州市番禺区南村镇兴南大道 368 号", "23.005400", "113.356600"),
    ("GZ-003", "美宜佳(北京路店)", C, "广州市越秀区北京路 168 号", "23.125200", "113.269500"),
    ("GZ-004", "7-Eleven(珠江新城店)", C, "广州市天河区花城大道 85 号", "23.119300", "113.324700"),
    ("GZ-005", "西关杂货铺", T, "广州市荔湾区上下九路 56 号", "23.118800", "113.247600"),
    ("SZ-001", "沃尔玛(深南店)", H, "深圳市福田区深南中路 3024 号", "22.542700", "114.086700"),
    ("SZ-002", "华润万家(南山店)", S, "深圳市南山区南海大道 2748 号", "22.523500", "113.931600"),
    ("SZ-003", "美宜佳(华强北店)", C, "深圳市福田区华强北路 1002 号", "22.546900", "114.088100"),
    ("SZ-004", "天虹(宝安店)", S, "深圳市宝安区新安四路 198 号", "22.560900", "113.884500"),
    ("SZ-005", "深南食品批发行", D, "深圳市龙岗区布吉街道布龙路 68 号", "22.605800", "114.126500"),
    ("SZ-006", "拼多多(深圳前置仓)", ON, "深圳市宝安区福永街道凤凰大道 88 号", "22.673300", "113.825700"),
    ("GZ-006", "广百(中华广场店)", S, "广州市越秀区中山三路 33 号", "23.128900", "113.290100"),
    ("HZ-007", "盒马鲜生(城西银泰店)", S, "杭州市拱墅区丰潭路 380 号", "30.293600", "120.113300"),
    ("SH-009", "盒马鲜生(静安店)", S, "上海市静安区南京西路 1038 号", "31.229300", "121.458000"),
]

# The demo rep who covers each city (usernames from accounts.demo); other cities have no rep assigned.
CITY_REPS = {"SH": "rep.zhang", "HZ": "rep.liu", "BJ": "rep.chen"}


@transaction.atomic
def seed_outlets() -> int:
    """Create the demo outlets that are missing; returns how many were created."""
    regions = {r.code: r for r in Region.objects.filter(code__in={code.split("-")[0] for code, *_r in OUTLETS})}
    reps = {u.username: u for u in User.objects.filter(username__in=CITY_REPS.values())}
    existing = set(Outlet.objects.filter(code__in=[row[0] for row in OUTLETS]).values_list("code", flat=True))
    created = 0
    for code, name, channel, address, latitude, longitude in OUTLETS:
        city = code.split("-")[0]
        if code in existing or city not in regions:
            continue
        outlet = Outlet.objects.create(
            code=code,
            name=name,
            channel=channel,
            region=regions[city],
            address=address,
            latitude=Decimal(latitude),
            longitude=Decimal(longitude),
        )
        rep = reps.get(CITY_REPS.get(city, ""))
        if rep is not None:
            outlet.reps.add(rep)
        created += 1
    return created
