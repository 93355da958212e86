/* SPDX-License-Identifier: MIT */
/*
** test_cef.c — the Consolidated Event Log's CEF lines (ext/cef.c,
** docs/format.md §8.7): the header, and values with spaces, dicts, quotes,
** double spaces and '=' inside quotes.  The first line is Elastic's public
** sample (shortened where marked), the others are written in its shape.
*/
#include "unit.h"
#include "cef.h"

#include <string.h>

#define GET(name, c, key, want) do{ mt_span v_ = {0, 0}; mt_cef_get(c, key, &v_); CHECK_SPAN(name, v_.p, v_.n, want); }while(0)

int main(void){
  mt_cef c;
  const char *z =
    "CEF:0|Cisco|C100V Email Security Virtual Appliance|14.0.0-657|ESA_CONSOLIDATED_LOG_EVENT|Consolidated Log Event|5|"
    "deviceExternalId=42127C7DDEE76852677B-F80CE8074CD3 ESAMID=1053 ESAICID=134 ESAAMPVerdict=UNKNOWN ESAASVerdict=NEGATIVE"
    " ESAAVVerdict=NEGATIVE  ESACFVerdict=MATCH endTime=Thu Mar 18 08:04:46 2021 ESADLPVerdict=NOT_EVALUATED dvc=1.128.3.4"
    " ESAAttachmentDetails={'test.txt': {'AMP': {'Verdict': 'FILE UNKNOWN', 'fileHash': '7f84'}, 'BodyScanner': {'fsize': 10059}}}"
    " ESAFriendlyFrom=example.com ESASDRDomainAge=27 years 2 months 15 days"
    " ESASPFVerdict={'mailfrom': {'result': 'None', 'sender': 'example.com'}, 'helo': {'result': 'None', 'sender': 'postmaster'}}"
    " act=QUARANTINED ESAFinalActionDetails=To POLICY cs4Label=ExternalMsgID cs4='<example.com>' msg='Testing'";
  CHECK("cef.parse", mt_cef_parse(z, strlen(z), &c)==1 && !c.truncated);
  CHECK_SPAN("cef.hdr.product", c.hdr[2].p, c.hdr[2].n, "C100V Email Security Virtual Appliance");
  CHECK_SPAN("cef.hdr.version", c.hdr[3].p, c.hdr[3].n, "14.0.0-657");
  CHECK_SPAN("cef.hdr.severity", c.hdr[6].p, c.hdr[6].n, "5");
  GET("cef.mid", &c, "ESAMID", "1053");
  GET("cef.icid", &c, "ESAICID", "134");
  GET("cef.double_space", &c, "ESAAVVerdict", "NEGATIVE");
  GET("cef.after_double_space", &c, "ESACFVerdict", "MATCH");
  GET("cef.spaces_in_value", &c, "endTime", "Thu Mar 18 08:04:46 2021");
  GET("cef.age", &c, "ESASDRDomainAge", "27 years 2 months 15 days");
  GET("cef.dict", &c, "ESAAttachmentDetails", "{'test.txt': {'AMP': {'Verdict': 'FILE UNKNOWN', 'fileHash': '7f84'}, 'BodyScanner': {'fsize': 10059}}}");
  GET("cef.dict2", &c, "ESASPFVerdict", "{'mailfrom': {'result': 'None', 'sender': 'example.com'}, 'helo': {'result': 'None', 'sender': 'postmaster'}}");
  GET("cef.details", &c, "ESAFinalActionDetails", "To POLICY");
  GET("cef.quoted", &c, "cs4", "'<example.com>'");
  GET("cef.msg", &c, "msg", "'Testing'");
  {
    mt_span v = {0, 0};
    mt_cef_get(&c, "msg", &v);
    v = mt_cef_unquote(v);
    CHECK_SPAN("cef.unquote", v.p, v.n, "Testing");
    CHECK("cef.absent", mt_cef_get(&c, "ESADCID", &v)==0);
  }
  z = "CEF:0|Cisco|C300V|15.0.1-030|E|C|5|ESAMID=9302 msg='Order 5513: your invoice a=b' act=DELIVERED";
  mt_cef_parse(z, strlen(z), &c);
  GET("cef.eq_in_quotes", &c, "msg", "'Order 5513: your invoice a=b'");
  GET("cef.after_quotes", &c, "act", "DELIVERED");
  z = "CEF:0|Cisco|C\\|V|15|E|C|5|ESAMID=1 ESAMID=2";
  mt_cef_parse(z, strlen(z), &c);
  CHECK_SPAN("cef.escaped_bar", c.hdr[2].p, c.hdr[2].n, "C\\|V");
  GET("cef.repeat_last", &c, "ESAMID", "2");
  z = "CEF:0|Cisco|x";
  CHECK("cef.short_header", mt_cef_parse(z, strlen(z), &c)==1 && c.nkv==0);
  z = "CEF:0|a|b|c|d|e|5|ESAAttachmentDetails={'a': [1, 2";
  mt_cef_parse(z, strlen(z), &c);
  GET("cef.unclosed", &c, "ESAAttachmentDetails", "{'a': [1, 2");
  CHECK("cef.not_cef", mt_cef_parse("MID 5 ready", 11, &c)==0);
  return unit_failed ? 1 : 0;
}
