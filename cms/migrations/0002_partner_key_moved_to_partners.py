"""``PartnerKey`` now belongs to the ``partners`` app, which took over its table
(``partners.0001_initial``): only Django's state forgets it here, the rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0001_initial'),
        ('partners', '0001_initial'),
        # Nothing may still point at cms.PartnerKey when it leaves the state.
        ('webhooks', '0003_partner_key_in_partners'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='PartnerKey')],
        ),
    ]
