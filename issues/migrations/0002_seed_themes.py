from django.db import migrations

# The six components of the community care system for mental disability (精神障害にも対応した
# 地域包括ケアシステム), with the one-letter marks reports use, then common council themes.
THEMES = [
    ("医療", "医", True),
    ("障害福祉・介護", "障", True),
    ("住まい", "住", True),
    ("社会参加（就労）", "社", True),
    ("地域の助け合い・教育", "地", True),
    ("保健・予防", "保", True),
    ("相談支援", "", False),
    ("権利擁護", "", False),
    ("こども", "", False),
    ("防災・安心安全", "", False),
    ("移動・交通", "", False),
    ("人材育成", "", False),
]


def seed(apps, schema_editor):
    Theme = apps.get_model("issues", "Theme")
    for order, (name, mark, component) in enumerate(THEMES, start=1):
        Theme.objects.update_or_create(
            name=name, defaults={"mark": mark, "is_care_component": component, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("issues", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
