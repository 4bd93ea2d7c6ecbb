from __future__ import annotations

import pytest

from council.models import OrganizationKind
from tests.factories import OrganizationFactory


@pytest.fixture
def organizations(council):
    return [
        OrganizationFactory(
            council=council, name="みどり相談支援センター", kind=OrganizationKind.CONSULTATION
        ),
        OrganizationFactory(council=council, name="みどり市 障害福祉課", kind=OrganizationKind.GOVERNMENT),
    ]


def csv_bytes(text: str, encoding: str) -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


MEMBERS_CSV = """会議体,氏名,ふりがな,所属機関,役割,事務局,任期開始,任期終了
相談支援部会,山田 太郎,やまだ たろう,みどり相談支援センター,会長・部会長,,令和6年4月1日,令和8年3月31日
相談支援部会,佐藤 花子,さとう はなこ,みどり市 障害福祉課,委員,○,R6.4.1,
全体会,山田 太郎,やまだ たろう,みどり相談支援センター,委員,,２０２４/４/１,2026-03-31
"""

MEETINGS_CSV = """会議体,年度,開催日,開始時刻,終了時刻,開催形式,会場,状態,参加機関数,参加人数,取組・検討内容
相談支援部会,令和6年度,令和6年5月20日,14:00,16:00,対面,市役所 第1会議室,開催済,12,18,"・事例検討（地域移行）
・年間計画"
相談支援部会,令和6年度,R6.7.15,１４：００,16:00,オンライン,,開催済,,15,・研修の企画・ケア会議の振り返り
相談支援部会,,2024/9/9,14時,16時,対面・オンライン併用,市役所,開催済,10,,
相談支援部会,令和6年度,2024-11-11,,,書面会議,,開催済,,,
全体会,令和6年度,令和7年2月3日,10:00,12:00,対面,市民会館,予定,,,
"""
