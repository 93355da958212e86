/* SPDX-License-Identifier: MIT */
/*
 * gen.c - synthetic Cisco Secure Email Gateway (AsyncOS) text mail log generator
 *         for the mailtrace benchmarks.
 *
 *   cc -std=c11 -O2 -Wall -Wextra bench/gen.c -lz -o bench/gen
 *   bench/gen OUTDIR SIZE_MB [SEED [ID_BASE]]
 *
 * Writes, for about SIZE_MB MiB of log text:
 *   OUTDIR/mail.@YYYYMMDDTHHMMSS.s ...  rotated files of ~64 MiB ("saved"), each
 *                                      with the 3 header lines and the 2 footer lines
 *   OUTDIR/mail.current                 the last (live) file, header but no footer
 *   OUTDIR/all.log                      plain concatenation of all files above
 *   OUTDIR/gz/all.log.gz                the same bytes, gzip level 6 (zlib gzwrite)
 * Stale mail.@*.s / mail.current files in OUTDIR are removed first.
 *
 * The traffic is a simulation of a busy gateway: ~80 concurrent inbound SMTP
 * connections (ICID), their messages (MID) going through the work queue
 * (anti-spam, anti-virus, AMP, outbreak filters, SPF/DKIM/DMARC), and outbound
 * delivery connections (DCID) that deliver, bounce or delay them; all of it
 * interleaved line by line.  Every value is generated here; nothing is copied
 * from real logs.  Output is a pure function of (SIZE_MB, SEED): the same
 * arguments give byte-identical files.
 *
 * Planted needles: 192.0.2.77 and 192.0.2.78 (TEST-NET-1, never in the random
 * pool) each open exactly NEEDLE_CONNS accepted connections, spread evenly over
 * the whole output, each with 1-2 messages whose fates cycle through
 * delivered / bounced (5.1.1) / dropped by CASE / delayed-then-delivered.
 * The IP strings appear only on those connections' "New SMTP ICID" lines.
 *
 * Named busy senders: the three heaviest addresses of the pool are fixed,
 * 198.51.100.10, 198.51.100.20 and 198.51.100.30 (TEST-NET-2, never drawn
 * at random), and carry about 1.4 %, 1.3 % and 1.2 % of all inbound
 * connections each, like a partner's relay or a bulk sender: the questions
 * people ask about most.  Their counts are in the summary (busy_IP=conns:N).
 *
 * A fourth argument ID_BASE (default 0) is added to every ICID, MID and DCID,
 * so the logs of several gateways (one directory each, the host taken from
 * the directory's name: bench/run.sh FLEET=N) do not share id numbers.
 *
 * A one-line summary goes to stdout.  GEN_DEBUG=1 in the environment prints the
 * simulator's in-flight counts to stderr now and then.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include <zlib.h>

/* ------------------------------------------------------------------ knobs */

#define MIB             1048576ULL
#define ROTATE_BYTES    (64ULL * MIB)
#define CONN_TARGET     80         /* concurrent inbound connections        */
#define DELIV_MAX_IN    60         /* concurrent DCIDs to internal servers  */
#define DELIV_MAX_ISQ   6          /* concurrent DCIDs to the spam quarant. */
#define DELIV_MAX_OUT   30         /* concurrent DCIDs to the internet      */
#define POOL_SIZE       50000      /* remote sender IP pool                 */
#define NDOMAINS        6000       /* external domains                      */
#define NEEDLE_CONNS    25
#define ICID_START      100000000ULL
#define MID_START       50000000ULL
#define DCID_START      7000000ULL
#define ENT_BUF         16384
#define OBUF_SIZE       (8u << 20)
#define NOBUF           4

static const char IFACE_IN[]  = "Data 1 (203.0.113.25)";
static const char IFACE_OUT[] = "Data 2 (10.20.1.25)";
static const char DCID_IFIP[] = "203.0.113.25";

/* ------------------------------------------------------------------ rng  */

static uint64_t rs[4];
static inline uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t rnd(void)
{
    uint64_t r = rotl64(rs[1] * 5, 7) * 9, t = rs[1] << 17;
    rs[2] ^= rs[0]; rs[3] ^= rs[1]; rs[1] ^= rs[2]; rs[0] ^= rs[3];
    rs[2] ^= t; rs[3] = rotl64(rs[3], 45);
    return r;
}
static inline uint32_t rn(uint32_t n) { return (uint32_t)(((rnd() >> 32) * (uint64_t)n) >> 32); }
static inline uint32_t rr(uint32_t lo, uint32_t hi) { return lo + rn(hi - lo + 1); }  /* inclusive */
static inline int pm(uint32_t permille) { return rn(1000) < permille; }
static void seed_rng(uint64_t seed)
{
    for (int i = 0; i < 4; i++) {
        uint64_t z = (seed += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        rs[i] = z ^ (z >> 31);
    }
}

/* ------------------------------------------------------------------ word lists */

static const char *const FIRST[] = {
    "james","mary","robert","patricia","john","jennifer","michael","linda","david","elizabeth",
    "william","barbara","richard","susan","joseph","jessica","thomas","sarah","charles","karen",
    "christopher","lisa","daniel","nancy","matthew","betty","anthony","margaret","mark","sandra",
    "donald","ashley","steven","kimberly","paul","emily","andrew","donna","joshua","michelle",
    "kenneth","carol","kevin","amanda","brian","melissa","george","deborah","timothy","stephanie",
    "ronald","rebecca","jason","sharon","edward","laura","jeffrey","cynthia","ryan","kathleen",
    "amir","priya","wei","yuki","olga","lars","ines","mateo","chloe","noah","aisha","hugo" };
static const char *const LAST[] = {
    "smith","johnson","williams","brown","jones","garcia","miller","davis","rodriguez","martinez",
    "hernandez","lopez","gonzalez","wilson","anderson","thomas","taylor","moore","jackson","martin",
    "lee","perez","thompson","white","harris","sanchez","clark","ramirez","lewis","robinson",
    "walker","young","allen","king","wright","scott","torres","nguyen","hill","flores",
    "green","adams","nelson","baker","hall","rivera","campbell","mitchell","carter","roberts",
    "gomez","phillips","evans","turner","diaz","parker","cruz","edwards","collins","okafor",
    "schmidt","kowalski","tanaka","silva","dubois","rossi","novak","jensen","kim","patel" };
static const char *const W1[] = {
    "alpine","apex","arbor","atlas","aurora","beacon","birch","bluefin","bright","cascade",
    "cedar","cobalt","copper","coral","crest","crystal","delta","ember","falcon","fern",
    "frontier","glacier","granite","harbor","hazel","horizon","indigo","ironwood","juniper","keystone",
    "lakeside","lantern","laurel","lumen","maple","meadow","mesa","meridian","midway","nimbus",
    "northgate","oakline","orbit","pacifica","palmetto","pinecrest","pioneer","prairie","quartz","radiant",
    "raven","redwood","ridge","riverbend","sage","sierra","silverline","solstice","summit","sunward",
    "tandem","terra","thunder","timber","trailhead","trueform","union","valley","vector","vertex",
    "vista","willow","zenith","copperleaf","brightwave","stonegate","bluepeak","fairmont","westbrook","eastlake" };
static const char *const W2[] = {
    "group","labs","systems","tech","media","mail","corp","networks","works","solutions",
    "logistics","health","finance","partners","supply","digital","shop","market","news","travel",
    "bank","energy","insure","legal","events","cloud","data","print","foods","motors" };
static const char *const TLD[] = {
    "com","com","com","com","com","com","com","com","com","com","com","com","net","net","net","org","org",
    "de","de","co.uk","co.uk","fr","nl","io","io","com.br","ru","cn","in","jp","es","it","pl","ca","com.au" };
static const char *const ROLE[] = {
    "noreply","no-reply","info","billing","invoices","orders","support","newsletter","news","alerts",
    "notifications","sales","hr","accounts","marketing","service","updates","team","hello","receipts" };
static const char *const COUNTRY[] = {
    "United States","United States","United States","United States","United States","United States",
    "United States","United States","Germany","Germany","United Kingdom","United Kingdom","France",
    "Netherlands","Canada","Brazil","Brazil","India","India","China","China","Russian Federation",
    "Russian Federation","Japan","Viet Nam","Poland","Ireland","Singapore","Korea, Republic of","Turkey",
    "Italy","Spain","Ukraine","Australia","Sweden","Mexico","Indonesia","South Africa" };
static const char *const LOCALDOM[] = { "corvane.com","corvane.com","corvane.com","corvane.com",
    "corvane.com","corvane.com","corvane.com","corvane-health.org","corvane.co.uk","corvane.co.uk" };
static const char *const TOPIC[] = {
    "quarterly report","project update","budget review","team offsite","contract renewal",
    "security awareness training","benefits enrollment","network maintenance window","board meeting",
    "vendor onboarding","holiday schedule","sales forecast","audit findings","product launch",
    "customer feedback","travel itinerary","expense approval","shipping delay","price list",
    "webinar recording","account verification","password expiry","service outage","data migration",
    "lunch on Friday","performance review","press release","roadmap draft","purchase order","site visit" };
static const char *const SUBJ[] = {   /* %T topic  %N number  %C company  %P person  %D date */
    "Invoice %N from %C", "RE: %T", "Re: %T", "FW: %T", "Fwd: %T", "Your order #%N has shipped",
    "%C newsletter - %D", "Meeting: %T (%D)", "Action required: %T", "[EXTERNAL] %T",
    "Payment received - thank you", "Your statement for %D is ready", "%P shared a document with you",
    "Reminder: %T tomorrow", "Weekly digest: %N new updates", "Re: Re: %T", "Out of Office: %T",
    "%C: your receipt #%N", "Last chance: %N%% off everything", "Delivery notification %N",
    "Accepted: %T", "Invitation: %T @ %D", "Ticket %N: %T", "Your password will expire in %N days",
    "%P's notes on %T", "Don't miss our %T webinar", "Urgent: %T", "Quote request %N",
    "RE: [%C] %T", "Welcome to %C" };
static const char *const MONTH[] = { "Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct","Nov","Dec" };
static const char *const WDAY[]  = { "Sun","Mon","Tue","Wed","Thu","Fri","Sat" };
static const char *const ATTEXT[] = { "pdf","pdf","pdf","docx","xlsx","jpg","png","zip","pptx","csv","ics","txt" };
static const char *const ATTBASE[] = { "invoice","statement","report","image","scan","contract","agenda",
    "presentation","photo","receipt","order","summary","minutes","quote","schedule","timesheet" };
static const char *const POLICY_IN[] = { "DEFAULT","DEFAULT","DEFAULT","DEFAULT","DEFAULT","DEFAULT",
    "DEFAULT","Executives","Finance_Team","HR_Confidential" };
static const char *const CIPHER_IN[] = {
    "protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384",
    "protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384",
    "protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
    "protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384",
    "protocol TLSv1.2 cipher ECDHE-RSA-AES128-GCM-SHA256",
    "protocol TLSv1.2 cipher ECDHE-ECDSA-AES256-GCM-SHA384",
    "protocol TLSv1.2 cipher DHE-RSA-AES256-GCM-SHA384" };
static const char *const CASECAT[] = { "spam negative","spam negative","spam negative","spam negative",
    "spam negative","spam negative","bulk","marketing" };

#define NA(a) (sizeof(a) / sizeof((a)[0]))

/* ------------------------------------------------------------------ writer helpers */

static char *wp;   /* write pointer of the current render target */
#define WL(s) (memcpy(wp, (s), sizeof(s) - 1), wp += sizeof(s) - 1)
static inline void ws(const char *s) { size_t n = strlen(s); memcpy(wp, s, n); wp += n; }
static inline void wc(char c) { *wp++ = c; }
static inline void wu(uint64_t v)
{
    char t[24]; int n = 0;
    do { t[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) *wp++ = t[--n];
}
static inline void wip(uint32_t ip)
{
    wu(ip >> 24); wc('.'); wu((ip >> 16) & 255); wc('.'); wu((ip >> 8) & 255); wc('.'); wu(ip & 255);
}
static inline void wsbrs(int s10)   /* score * 10 -> "-2.5" */
{
    if (s10 < 0) { wc('-'); s10 = -s10; }
    wu((uint64_t)(s10 / 10)); wc('.'); wc((char)('0' + s10 % 10));
}
static const char ALNUM[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
static const char HEXU[] = "0123456789ABCDEF";
static const char HEXL[] = "0123456789abcdef";
static inline void wrand(const char *alpha, uint32_t na, int n)
{
    uint64_t r = rnd(); int left = 10;
    for (int i = 0; i < n; i++) {
        if (!left) { r = rnd(); left = 10; }
        *wp++ = alpha[(r & 63) % na]; r >>= 6; left--;
    }
}
static inline void wridlist(unsigned mask)
{
    int first = 1; wc('[');
    for (int r = 0; r < 8; r++) if (mask & (1u << r)) { if (!first) WL(", "); wu((uint64_t)r); first = 0; }
    wc(']');
}

/* ------------------------------------------------------------------ domains, IP pool */

typedef struct { char name[40]; } Domain;
static Domain dom[NDOMAINS];

typedef struct {
    uint32_t ip;
    uint16_t dom;       /* sending domain index                         */
    uint8_t  rdns;      /* 0 unknown, 1 mailN., 2 a-b-c-d.isp, 3 mtaN-x., 4 smtpN. */
    uint8_t  verified;
    int16_t  sbrs;      /* score*10, or 1000 = None                     */
    uint8_t  country;
    uint8_t  hostn;
    uint8_t  allowed;   /* in ALLOWED_LIST                              */
} PoolIP;
static PoolIP pool[POOL_SIZE];
static double pool_cdf[POOL_SIZE];

static void make_domains(void)
{
    for (int i = 0; i < NDOMAINS; i++) {
        char *s = dom[i].name;
        const char *a = W1[rn(NA(W1))], *b = W2[rn(NA(W2))], *t = TLD[rn(NA(TLD))];
        int form = (int)rn(10);
        if (form < 5)      snprintf(s, sizeof dom[i].name, "%s%s.%s", a, b, t);
        else if (form < 7) snprintf(s, sizeof dom[i].name, "%s-%s.%s", a, b, t);
        else if (form < 9) snprintf(s, sizeof dom[i].name, "%s%s.%s", a, W1[rn(NA(W1))], t);
        else               snprintf(s, sizeof dom[i].name, "%s%u.%s", a, rr(2, 99), t);
    }
}

static int ip_reserved(uint32_t ip)
{
    uint32_t a = ip >> 24, b = (ip >> 16) & 255, c = (ip >> 8) & 255;
    if (a == 0 || a == 10 || a == 127 || a >= 224) return 1;
    if (a == 100 && b >= 64 && b < 128) return 1;
    if (a == 169 && b == 254) return 1;
    if (a == 172 && b >= 16 && b < 32) return 1;
    if (a == 192 && b == 168) return 1;
    if (a == 192 && b == 0) return 1;                 /* 192.0.0/24, 192.0.2/24 */
    if (a == 198 && (b == 18 || b == 19)) return 1;
    if (a == 198 && b == 51 && c == 100) return 1;
    if (a == 203 && b == 0 && c == 113) return 1;
    return (ip & 255) == 0 || (ip & 255) == 255;
}

static void make_pool(void)
{
    double acc = 0;
    for (int i = 0; i < POOL_SIZE; i++) {
        PoolIP *p = &pool[i];
        uint32_t ip;
        /* top senders come in small clusters, like a big provider's outbound range */
        if (i > 0 && i < 3000 && pm(600)) ip = (pool[i - 1].ip & 0xFFFFFF00u) | rr(1, 254);
        else do ip = (uint32_t)rnd(); while (ip_reserved(ip));
        p->ip = ip;
        p->dom = (uint16_t)(i > 0 && i < 3000 && (pool[i - 1].ip >> 8) == (ip >> 8) ? pool[i - 1].dom : rn(NDOMAINS));
        p->hostn = (uint8_t)rr(1, 40);
        p->country = (uint8_t)rn(NA(COUNTRY));
        p->allowed = 0;
        int cls;                                   /* 0 good, 1 normal, 2 suspect, 3 bad */
        if (i < 1500)      cls = pm(900) ? 0 : 1;
        else if (i < 8000) { uint32_t x = rn(100); cls = x < 35 ? 0 : x < 65 ? 1 : x < 80 ? 2 : 3; }
        else               { uint32_t x = rn(100); cls = x < 8 ? 0 : x < 30 ? 1 : x < 45 ? 2 : 3; }
        switch (cls) {
        case 0:  p->sbrs = (int16_t)rr(30, 100); p->rdns = (uint8_t)(pm(500) ? 3 : pm(500) ? 1 : 4);
                 p->allowed = (uint8_t)(i < 400 && pm(250)); break;
        case 1:  p->sbrs = (int16_t)rr(0, 60) - 10; p->rdns = (uint8_t)rr(0, 4); break;
        case 2:  p->sbrs = (int16_t)rr(11, 30) * -1; p->rdns = (uint8_t)(pm(500) ? 2 : rr(0, 4)); break;
        default: p->sbrs = (int16_t)rr(31, 100) * -1; p->rdns = (uint8_t)(pm(600) ? 2 : pm(500) ? 0 : rr(1, 4)); break;
        }
        if (cls != 3 && pm(30)) p->sbrs = 1000;   /* SBRS None */
        p->verified = (uint8_t)(p->rdns == 0 ? 0 : p->rdns == 2 ? pm(300) : pm(920));
        acc += 1.0 / (double)(i + 8);             /* zipf-like, s = 1, flattened head */
        pool_cdf[i] = acc;
    }
    for (int i = 0; i < POOL_SIZE; i++) pool_cdf[i] /= acc;
}

/* The named busy senders: pool[0..2], the heads of the distribution. */
static const char *const BUSY_IP[3] = { "198.51.100.10", "198.51.100.20", "198.51.100.30" };
static uint64_t busy_conns[3];
static void name_busy(void)
{
    for (int i = 0; i < 3; i++) {
        unsigned a, b, c, d;
        sscanf(BUSY_IP[i], "%u.%u.%u.%u", &a, &b, &c, &d);
        pool[i].ip = a << 24 | b << 16 | c << 8 | d;
    }
}

static uint32_t pick_pool(void)
{
    double u = (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
    int lo = 0, hi = POOL_SIZE - 1;
    while (lo < hi) { int mid = (lo + hi) / 2; if (pool_cdf[mid] < u) lo = mid + 1; else hi = mid; }
    return (uint32_t)lo;
}

static void w_rdns(const PoolIP *p)
{
    const char *d = dom[p->dom].name;
    uint32_t ip = p->ip;
    switch (p->rdns) {
    case 0: WL("unknown"); break;
    case 1: WL("mail"); wu(p->hostn); wc('.'); ws(d); break;
    case 2: wu(ip >> 24); wc('-'); wu((ip >> 16) & 255); wc('-'); wu((ip >> 8) & 255); wc('-');
            wu(ip & 255); WL(".dyn."); ws(dom[(p->dom * 7 + 13) % NDOMAINS].name); break;
    case 3: WL("mta"); wu(p->hostn); wc('-'); wu(ip & 255); WL(".out."); ws(d); break;
    default: WL("smtp"); wu(p->hostn); wc('.'); ws(d); break;
    }
}

/* ------------------------------------------------------------------ simulated clock */

static uint64_t now_ms;                 /* ms since 1970 (local time, no zone) */
static uint64_t ts_sec = (uint64_t)-1;
static char tsbuf[32];
static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const int64_t era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = (unsigned)(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = (unsigned)(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t yy = (int64_t)yoe + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}
/* writes "Www Mmm dd HH:MM:SS YYYY" (24 chars) for second s into out */
static void fmt_asctime(uint64_t s, char *out)
{
    int64_t days = (int64_t)(s / 86400); unsigned sod = (unsigned)(s % 86400);
    int y; unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned wd = (unsigned)((days % 7 + 11) % 7);      /* 1970-01-01 was a Thursday (4) */
    unsigned hh = sod / 3600, mi = sod / 60 % 60, ss = sod % 60;
    memcpy(out, WDAY[wd], 3); out[3] = ' ';
    memcpy(out + 4, MONTH[m - 1], 3); out[7] = ' ';
    out[8] = d >= 10 ? (char)('0' + d / 10) : ' '; out[9] = (char)('0' + d % 10); out[10] = ' ';
    out[11] = (char)('0' + hh / 10); out[12] = (char)('0' + hh % 10); out[13] = ':';
    out[14] = (char)('0' + mi / 10); out[15] = (char)('0' + mi % 10); out[16] = ':';
    out[17] = (char)('0' + ss / 10); out[18] = (char)('0' + ss % 10); out[19] = ' ';
    out[20] = (char)('0' + y / 1000); out[21] = (char)('0' + y / 100 % 10);
    out[22] = (char)('0' + y / 10 % 10); out[23] = (char)('0' + y % 10);
}
static inline void update_ts(void)
{
    uint64_t s = now_ms / 1000;
    if (s != ts_sec) { ts_sec = s; fmt_asctime(s, tsbuf); memcpy(tsbuf + 24, " Info: ", 7); }
}
static inline void advance_time(void)
{
    uint32_t x = rn(1000);
    if (x < 700)      now_ms += rn(21);
    else if (x < 975) now_ms += rr(20, 100);
    else              now_ms += rr(100, 1200);
}

/* ------------------------------------------------------------------ output */

static char *obuf[NOBUF];
static size_t olen[NOBUF];
static int ocur;
static char *op, *oend;
static int fd_cur = -1, fd_all = -1;
static const char *outdir;
static char cur_name[4096];
static uint64_t total_bytes, total_lines, file_bytes, nfiles;
static int in_rotate;

/* gzip thread: full buffers go through a ring, free buffers come back */
static pthread_mutex_t qmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t qcv = PTHREAD_COND_INITIALIZER;
static int fullq[NOBUF + 1], fq_head, fq_tail, fq_n;
static int freeq[NOBUF + 1], frq_head, frq_tail, frq_n;
static gzFile gzf;
static int gz_err;

static void die(const char *what)
{
    fprintf(stderr, "gen: %s: %s\n", what, strerror(errno));
    exit(1);
}
static void *gz_thread(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&qmu);
        while (fq_n == 0) pthread_cond_wait(&qcv, &qmu);
        int b = fullq[fq_head]; fq_head = (fq_head + 1) % (NOBUF + 1); fq_n--;
        pthread_mutex_unlock(&qmu);
        if (b < 0) return NULL;
        size_t off = 0;
        while (off < olen[b]) {
            unsigned chunk = (unsigned)((olen[b] - off) > (1u << 30) ? (1u << 30) : (olen[b] - off));
            int w = gzwrite(gzf, obuf[b] + off, chunk);
            if (w <= 0) { gz_err = 1; break; }
            off += (size_t)w;
        }
        pthread_mutex_lock(&qmu);
        freeq[frq_tail] = b; frq_tail = (frq_tail + 1) % (NOBUF + 1); frq_n++;
        pthread_cond_broadcast(&qcv);
        pthread_mutex_unlock(&qmu);
    }
}
static void write_all(int fd, const char *p, size_t n, const char *what)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0) { if (errno == EINTR) continue; die(what); }
        p += w; n -= (size_t)w;
    }
}
static void gz_push(int b)
{
    pthread_mutex_lock(&qmu);
    fullq[fq_tail] = b; fq_tail = (fq_tail + 1) % (NOBUF + 1); fq_n++;
    pthread_cond_broadcast(&qcv);
    pthread_mutex_unlock(&qmu);
}
static void flush_out(void)
{
    size_t n = (size_t)(op - obuf[ocur]);
    if (!n) return;
    olen[ocur] = n;
    write_all(fd_cur, obuf[ocur], n, cur_name);
    write_all(fd_all, obuf[ocur], n, "all.log");
    gz_push(ocur);
    pthread_mutex_lock(&qmu);
    while (frq_n == 0) pthread_cond_wait(&qcv, &qmu);
    ocur = freeq[frq_head]; frq_head = (frq_head + 1) % (NOBUF + 1); frq_n--;
    pthread_mutex_unlock(&qmu);
    op = obuf[ocur]; oend = op + OBUF_SIZE;
}

static void raw_line(const char *body, size_t len)   /* no clock advance */
{
    if ((size_t)(oend - op) < len + 40) flush_out();
    update_ts();
    memcpy(op, tsbuf, 31); op += 31;
    memcpy(op, body, len); op += len;
    *op++ = '\n';
    total_bytes += len + 32; file_bytes += len + 32; total_lines++;
}
static void raw_lit(const char *s) { raw_line(s, strlen(s)); }

static void open_file(void)
{
    char stamp[32];
    uint64_t s = now_ms / 1000;
    int64_t days = (int64_t)(s / 86400); unsigned sod = (unsigned)(s % 86400);
    int y; unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(stamp, sizeof stamp, "%04d%02u%02uT%02u%02u%02u", y, m, d, sod / 3600, sod / 60 % 60, sod % 60);
    snprintf(cur_name, sizeof cur_name, "%s/mail.@%s.s", outdir, stamp);
    fd_cur = open(cur_name, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_cur < 0) die(cur_name);
    nfiles++;
    file_bytes = 0;
    raw_lit("Begin Logfile");
    raw_lit("Version: 15.0.1-030 SN: 4C4C45440036-ABCDEF1");
    raw_lit("Time offset from UTC: -18000 seconds");
}
static void rotate(void)
{
    in_rotate = 1;
    raw_lit("Logfile rolled over");
    raw_lit("End Logfile");
    flush_out();
    if (close(fd_cur) < 0) die(cur_name);
    open_file();
    in_rotate = 0;
}
static inline void emit(const char *body, size_t len)
{
    advance_time();
    raw_line(body, len);
    if (file_bytes >= ROTATE_BYTES && !in_rotate) rotate();
}

/* ------------------------------------------------------------------ entities */

enum { F_DELIVER, F_BOUNCE, F_DROP, F_DELAY, F_ISQ, F_QUAR, F_DNSFAIL, F_VIRUS };
enum { Q_IN, Q_ISQ, Q_OUT };

typedef struct { uint32_t user; uint16_t dom; uint8_t kind; } Addr;
/* kind: 0 local person, 1 external person, 2 external role, 3 bulk bounce address, 4 needle */

typedef struct Msg {
    struct Msg *next;
    uint64_t mid, icid, due;
    uint32_t size, ipidx;
    uint8_t dir, fate, nrcpt, pending, bounce, delay, attempt, needle, natt, dkim, spf;
    Addr from, rcpt[4];
} Msg;

enum { E_CONN, E_PIPE, E_DELIV };
typedef struct Ent {
    int type, phase, left, needle, queue, dest, hat;
    uint64_t id;
    uint32_t ipidx;
    Msg *msg;
    struct Ent *nextfree;
    int blen, bpos;
    char buf[ENT_BUF];
} Ent;

static Ent **act; static int nact, capact;
static Ent *ent_free;
static Msg *msg_free;
static Msg *qhead[3], *qtail[3]; static int qlen[3];
static int ndeliv[3], nconn;
static Msg **retry; static int nretry, capretry;   /* delayed, waiting for the next attempt  */
static Msg **hold;  static int nhold, caphold;     /* policy quarantine                       */
static uint64_t next_due = (uint64_t)-1;
static uint64_t icid_ctr = ICID_START, mid_ctr = MID_START, dcid_ctr = DCID_START;
static uint64_t n_conns, n_msgs, n_deliv_conns;

struct NeedleStat { uint64_t conns, msgs, delivered, bounced, dropped, delayed; } nst[3];
static const char *const NEEDLE_IP[3] = { "", "192.0.2.77", "192.0.2.78" };
static int needle_fate_idx[3];
static const uint8_t NEEDLE_FATES[3][4] = { {0}, { F_DELIVER, F_BOUNCE, F_DROP, F_DELAY },
                                                  { F_DROP, F_DELIVER, F_BOUNCE, F_DELAY } };

static Msg *msg_new(void)
{
    Msg *m = msg_free;
    if (m) msg_free = m->next; else if (!(m = malloc(sizeof *m))) die("malloc");
    memset(m, 0, sizeof *m);
    return m;
}
static void msg_del(Msg *m) { m->next = msg_free; msg_free = m; }

static Ent *ent_new(int type)
{
    Ent *e = ent_free;
    if (e) ent_free = e->nextfree; else if (!(e = malloc(sizeof *e))) die("malloc");
    e->type = type; e->phase = 0; e->left = 0; e->needle = 0; e->queue = 0; e->dest = 0; e->hat = 0;
    e->id = 0; e->ipidx = 0; e->msg = NULL; e->blen = e->bpos = 0;
    if (nact == capact) {
        capact = capact ? capact * 2 : 512;
        if (!(act = realloc(act, (size_t)capact * sizeof *act))) die("realloc");
    }
    act[nact++] = e;
    return e;
}
static void ent_remove(int i)
{
    Ent *e = act[i];
    act[i] = act[--nact];
    if (e->type == E_CONN) nconn--;
    else if (e->type == E_DELIV) ndeliv[e->queue]--;
    e->nextfree = ent_free; ent_free = e;
}

static void q_push(int q, Msg *m)
{
    m->next = NULL;
    if (qtail[q]) qtail[q]->next = m; else qhead[q] = m;
    qtail[q] = m; qlen[q]++;
}
static Msg *q_pop(int q)
{
    Msg *m = qhead[q];
    if (!m) return NULL;
    qhead[q] = m->next; if (!qhead[q]) qtail[q] = NULL; qlen[q]--;
    return m;
}
static void list_add(Msg ***arr, int *n, int *cap, Msg *m)
{
    if (*n == *cap) { *cap = *cap ? *cap * 2 : 256; if (!(*arr = realloc(*arr, (size_t)*cap * sizeof **arr))) die("realloc"); }
    (*arr)[(*n)++] = m;
    if (m->due < next_due) next_due = m->due;
}

/* --- line records inside an entity buffer: [u16 len][body] */
static char *lstart;
static inline void LB(void) { lstart = wp; wp += 2; }
static inline void LE(void) { uint16_t n = (uint16_t)(wp - lstart - 2); memcpy(lstart, &n, 2); }

static void w_addr(const Addr *a)
{
    wc('<');
    uint32_t u = a->user;
    switch (a->kind) {
    case 0: ws(FIRST[u % NA(FIRST)]); wc('.'); ws(LAST[(u / NA(FIRST)) % NA(LAST)]);
            if (u / (NA(FIRST) * NA(LAST)) % 8 == 1) wu(u % 90 + 2);
            wc('@'); ws(LOCALDOM[a->dom % NA(LOCALDOM)]); break;
    case 1: if (u % 3 == 0) { wc(FIRST[u % NA(FIRST)][0]); ws(LAST[(u / NA(FIRST)) % NA(LAST)]); }
            else { ws(FIRST[u % NA(FIRST)]); wc(u % 3 == 1 ? '.' : '_'); ws(LAST[(u / NA(FIRST)) % NA(LAST)]); }
            wc('@'); ws(dom[a->dom].name); break;
    case 2: ws(ROLE[u % NA(ROLE)]); wc('@'); ws(dom[a->dom].name); break;
    case 3: WL("bounce-"); wu(u % 100000 + 1000); wc('-'); wu((u * 2654435761u) % 9000000 + 1000000);
            WL("@em."); ws(dom[a->dom].name); break;
    default: ws(a->dom == 1 ? "statements@alderbank-notices.com" : "billing@quillon-mail.net"); break;
    }
    wc('>');
}
static void w_addr_plain(const Addr *a)   /* address without the angle brackets */
{
    char *s = wp; w_addr(a); size_t n = (size_t)(wp - s); memmove(s, s + 1, n - 2); wp = s + n - 2;
}
static Addr rand_local(void)
{
    Addr a; a.kind = 0; a.dom = (uint16_t)rn(NA(LOCALDOM));
    /* popular recipients get more mail */
    uint32_t span = (uint32_t)(NA(FIRST) * NA(LAST) * 8);
    a.user = pm(300) ? rn(400) : rn(span);
    return a;
}
static Addr rand_ext_sender(uint16_t d)
{
    Addr a; a.dom = d;
    uint32_t x = rn(100);
    a.kind = (uint8_t)(x < 45 ? 2 : x < 75 ? 1 : 3);
    a.user = (uint32_t)rnd();
    if (a.kind == 2) a.user = (d * 31u + rn(3)) % NA(ROLE);   /* a domain uses few role names */
    return a;
}

/* --- subject, message-id */
static void w_subject_text(void)
{
    const char *t = SUBJ[rn(NA(SUBJ))];
    for (; *t; t++) {
        if (*t != '%') { wc(*t); continue; }
        t++;
        switch (*t) {
        case 'T': ws(TOPIC[rn(NA(TOPIC))]); break;
        case 'N': wu(rn(4) == 0 ? rr(5, 90) : rr(1000, 9999999)); break;
        case 'C': { const char *w = W1[rn(NA(W1))]; wc((char)(w[0] - 32)); ws(w + 1); wc(' ');
                    const char *v = W2[rn(NA(W2))]; wc((char)(v[0] - 32)); ws(v + 1); break; }
        case 'P': { const char *f = FIRST[rn(NA(FIRST))]; wc((char)(f[0] - 32)); ws(f + 1); wc(' ');
                    const char *l = LAST[rn(NA(LAST))]; wc((char)(l[0] - 32)); ws(l + 1); break; }
        case 'D': ws(MONTH[rn(12)]); wc(' '); wu(rr(1, 28)); break;
        case '%': wc('%'); break;
        default: wc(*t); break;
        }
    }
}
static void w_subject_line(uint64_t mid)
{
    LB(); WL("MID "); wu(mid); WL(" Subject ");
    if (pm(40)) {                                   /* RFC 2047 encoded */
        WL("'=?UTF-8?B?"); wrand(ALNUM, 62, (int)rr(16, 40)); WL("=?='");
    } else if (pm(10)) {
        WL("'=?utf-8?Q?"); ws(W1[rn(NA(W1))]); WL("_=E2=80=93_"); ws(TOPIC[rn(NA(TOPIC))] ); WL("?=\\r\\n\\t=?utf-8?Q?_"); wu(rr(1000, 99999)); WL("?='");
    } else {
        char tmp[256]; char *save = wp; wp = tmp;
        w_subject_text();
        size_t n = (size_t)(wp - tmp); wp = save;
        char q = memchr(tmp, '\'', n) ? '"' : '\'';
        wc(q); memcpy(wp, tmp, n); wp += n; wc(q);
    }
    LE();
}
static void w_msgid_line(uint64_t mid, const char *d)
{
    LB(); WL("MID "); wu(mid); WL(" Message-ID '<");
    switch (rn(6)) {
    case 0: wrand(HEXL, 16, 16); wc('.'); wrand(HEXL, 16, 8); wc('@'); ws(d); break;
    case 1: wu(rr(1000000, 2000000000)); wc('.'); wu(rr(100000, 999999999)); wc('.');
            wu(1790000000000ULL + rn(100000000)); WL(".JavaMail.app@"); WL("app"); wu(rr(10, 99)); wc('.'); ws(d); break;
    case 2: WL("CA+"); wrand(ALNUM, 62, 40); WL("@mail.gmail.com"); break;
    case 3: wrand(HEXL, 16, 8); wc('-'); wrand(HEXL, 16, 4); wc('-'); wrand(HEXL, 16, 4); wc('-');
            wrand(HEXL, 16, 4); wc('-'); wrand(HEXL, 16, 12); wc('@'); ws(d); break;
    case 4: wrand(HEXU, 16, 36); WL("@EXCH"); wu(rr(10, 40)); WL(".corp."); ws(d); break;
    default: wu(rr(10000, 99999)); wc('.'); wrand(ALNUM, 62, 12); WL("@mta"); wu(rr(1, 20)); wc('.'); ws(d); break;
    }
    WL(">'"); LE();
}

/* --- inbound / outbound connection */

static Msg *make_msg(Ent *e)
{
    Msg *m = msg_new();
    m->mid = mid_ctr++; m->icid = e->id; m->ipidx = e->ipidx; m->needle = (uint8_t)e->needle;
    uint32_t sz = rn(100);
    m->size = sz < 60 ? rr(2000, 40000) : sz < 90 ? rr(40000, 400000) : sz < 99 ? rr(400000, 5000000) : rr(5000000, 25000000);
    m->natt = (uint8_t)(m->size > 60000 && pm(700) ? rr(1, 2) : 0);
    if (e->hat == 1) {                       /* RELAY: outbound */
        m->dir = 1;
        m->from.kind = 0; m->from.dom = 0; m->from.user = pm(200) ? rn(400) : (uint32_t)rnd();
        m->nrcpt = (uint8_t)(pm(750) ? 1 : rr(2, 4));
        for (int r = 0; r < m->nrcpt; r++) {
            m->rcpt[r].kind = (uint8_t)(pm(600) ? 1 : 2); m->rcpt[r].dom = (uint16_t)rn(NDOMAINS);
            m->rcpt[r].user = (uint32_t)rnd();
        }
        uint32_t x = rn(1000);
        m->fate = x < 15 ? F_DNSFAIL : x < 45 ? F_BOUNCE : x < 75 ? F_DELAY : F_DELIVER;
    } else {
        m->dir = 0;
        if (e->needle) { m->from.kind = 4; m->from.dom = (uint16_t)e->needle; }
        else m->from = rand_ext_sender(pool[e->ipidx].dom);
        m->nrcpt = (uint8_t)(e->needle ? rr(1, 2) : pm(700) ? 1 : pm(700) ? 2 : rr(3, 4));
        for (int r = 0; r < m->nrcpt; r++) m->rcpt[r] = rand_local();
        int spammy = !e->needle && pool[e->ipidx].sbrs < -10 && pool[e->ipidx].sbrs != 1000;
        uint32_t x = rn(1000);
        if (e->needle) {
            m->fate = NEEDLE_FATES[e->needle][needle_fate_idx[e->needle]++ % 4];
        } else if (spammy) {
            m->fate = x < 420 ? F_DROP : x < 580 ? F_ISQ : x < 600 ? F_QUAR : x < 610 ? F_VIRUS : x < 650 ? F_BOUNCE : F_DELIVER;
        } else {
            m->fate = x < 40 ? F_DROP : x < 75 ? F_ISQ : x < 85 ? F_QUAR : x < 87 ? F_VIRUS :
                      x < 117 ? F_BOUNCE : x < 142 ? F_DELAY : F_DELIVER;
        }
        m->spf = (uint8_t)(pm(800) ? 0 : pm(500) ? 1 : rr(2, 3));   /* Pass, SoftFail, Fail, None */
        m->dkim = (uint8_t)(pm(650) ? 0 : pm(150) ? 1 : 2);          /* pass, permfail, unsigned */
        if (spammy) { m->spf = (uint8_t)rr(1, 3); m->dkim = 2; }
    }
    unsigned all = (1u << m->nrcpt) - 1;
    m->pending = (uint8_t)all;
    if (m->fate == F_BOUNCE) {
        m->bounce = (uint8_t)(m->needle || m->nrcpt == 1 ? all : (1u << rn(m->nrcpt)));
    } else if (m->fate == F_DELAY) {
        m->delay = (uint8_t)(m->needle || m->nrcpt == 1 || pm(500) ? all : (1u << rn(m->nrcpt)));
    }
    if (m->needle) {
        struct NeedleStat *s = &nst[m->needle];
        s->msgs++;
        if (m->fate == F_DELIVER) s->delivered++;
        else if (m->fate == F_BOUNCE) s->bounced++;
        else if (m->fate == F_DROP) s->dropped++;
        else if (m->fate == F_DELAY) s->delayed++;
    }
    n_msgs++;
    return m;
}

static void spawn_conn(int needle)
{
    Ent *e = ent_new(E_CONN);
    nconn++;
    e->needle = needle;
    if (needle) e->hat = 0;
    else if (pm(80)) e->hat = 1;            /* internal relay */
    else e->hat = 0;
    if (!needle && !e->hat) e->ipidx = pick_pool();
    else if (e->hat == 1) e->ipidx = rr(11, 48);   /* 10.20.50.x */
}

static void render_conn(Ent *e)
{
    if (e->phase == 0) {                             /* connect + HAT (+TLS) */
        e->id = icid_ctr++;
        n_conns++;
        LB(); WL("New SMTP ICID "); wu(e->id); WL(" interface ");
        if (e->needle) {
            ws(IFACE_IN); WL(" address "); ws(NEEDLE_IP[e->needle]);
            if (e->needle == 1) WL(" reverse dns host mx1.alderbank-notices.com verified yes");
            else WL(" reverse dns host unknown verified no");
            nst[e->needle].conns++;
        } else if (e->hat == 1) {
            ws(IFACE_OUT); WL(" address 10.20.50."); wu(e->ipidx);
            WL(" reverse dns host app"); wu(e->ipidx); WL(".corp.corvane.com verified yes");
        } else {
            const PoolIP *p = &pool[e->ipidx];
            if (e->ipidx < 3) busy_conns[e->ipidx]++;
            ws(IFACE_IN); WL(" address "); wip(p->ip); WL(" reverse dns host "); w_rdns(p);
            if (p->verified) WL(" verified yes"); else WL(" verified no");
        }
        LE();
        LB(); WL("ICID "); wu(e->id);
        int accept = 1;
        if (e->needle == 1) WL(" ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS 1.2 country United States");
        else if (e->needle == 2) WL(" ACCEPT SG SUSPECTLIST match sbrs[-3.0:-1.0] SBRS -1.6 country Netherlands");
        else if (e->hat == 1) WL(" RELAY SG RELAYLIST match 10.20.50.0/24 SBRS rfc1918");
        else {
            const PoolIP *p = &pool[e->ipidx];
            if (p->sbrs == 1000) WL(" ACCEPT SG UNKNOWNLIST match sbrs[none] SBRS None");
            else if (p->allowed) { WL(" ACCEPT SG ALLOWED_LIST match ."); ws(dom[p->dom].name); WL(" SBRS "); wsbrs(p->sbrs); }
            else if (p->sbrs >= -10) { WL(" ACCEPT SG UNKNOWNLIST match sbrs[-1.0:10.0] SBRS "); wsbrs(p->sbrs); }
            else if (p->sbrs >= -30) { WL(" ACCEPT SG SUSPECTLIST match sbrs[-3.0:-1.0] SBRS "); wsbrs(p->sbrs); }
            else if (pm(850)) { WL(" REJECT SG BLOCKED_LIST match sbrs[-10.0:-3.0] SBRS "); wsbrs(p->sbrs); accept = 0; }
            else { WL(" TCPREFUSE SG BLOCKED_LIST match dnslist[zen.spamhaus.org] SBRS "); wsbrs(p->sbrs); accept = 0; }
            WL(" country "); ws(COUNTRY[p->country]);
        }
        LE();
        if (!accept) {
            LB(); WL("ICID "); wu(e->id); WL(" close"); LE();
            e->phase = 3;
            return;
        }
        if (e->needle ? pm(500) : e->hat == 1 ? 1 : pm(700)) {
            LB(); WL("ICID "); wu(e->id); WL(" TLS success "); ws(CIPHER_IN[rn(NA(CIPHER_IN))]); LE();
        } else if (pm(15)) {
            LB(); WL("ICID "); wu(e->id); WL(" TLS failed: (1, '[SSL: WRONG_VERSION_NUMBER] wrong version number')"); LE();
        }
        e->left = e->needle ? (int)rr(1, 2) : e->hat == 1 ? (int)rr(1, 3) : pm(650) ? 1 : pm(600) ? 2 : 3;
        e->phase = 1;
        return;
    }
    if (e->phase == 1) {                             /* one message */
        Msg *m = make_msg(e);
        e->msg = m;
        LB(); WL("Start MID "); wu(m->mid); WL(" ICID "); wu(e->id); LE();
        LB(); WL("MID "); wu(m->mid); WL(" ICID "); wu(e->id); WL(" From: "); w_addr(&m->from); LE();
        int rat = !m->needle && m->dir == 0 && pm(50);
        for (int r = 0; r < m->nrcpt; r++) {
            LB(); WL("MID "); wu(m->mid); WL(" ICID "); wu(e->id); WL(" RID "); wu((uint64_t)r);
            WL(" To: "); w_addr(&m->rcpt[r]); LE();
            if (rat && r == 0) {
                Addr x; x.kind = (uint8_t)rn(2) + 1; x.dom = (uint16_t)rn(NDOMAINS); x.user = (uint32_t)rnd();
                LB(); WL("MID "); wu(m->mid); WL(" ICID "); wu(e->id); WL(" To: "); w_addr(&x);
                WL(" Rejected by RAT"); LE();
            }
        }
        const char *fd = m->dir ? LOCALDOM[0] : m->from.kind == 4 ? (m->from.dom == 1 ? "alderbank-notices.com" : "quillon-mail.net")
                                 : dom[m->from.dom].name;
        if (m->dir == 0) {
            static const char *const SPFR[] = { "Pass", "SoftFail", "Fail", "None" };
            LB(); WL("MID "); wu(m->mid); WL(" SPF: mailfrom identity ");
            w_addr_plain(&m->from);
            wc(' '); ws(SPFR[m->spf]); if (m->spf < 3) WL(" (v=spf1)"); LE();
        }
        w_msgid_line(m->mid, fd);
        w_subject_line(m->mid);
        LB(); WL("MID "); wu(m->mid); WL(" ready "); wu(m->size); WL(" bytes from "); w_addr(&m->from); LE();
        e->left--;
        e->phase = 2;                                 /* chunk end: hand over to pipeline */
        return;
    }
    /* phase 4: close */
    LB(); WL("ICID "); wu(e->id); if (pm(25)) WL(" lost"); else WL(" close"); LE();
    e->phase = 3;
}

/* --- work queue pipeline */

static void render_pipe(Ent *e)
{
    Msg *m = e->msg;
    uint64_t mid = m->mid;
    const char *fd = m->dir ? LOCALDOM[0] : m->from.kind == 4 ? (m->from.dom == 1 ? "alderbank-notices.com" : "quillon-mail.net")
                             : dom[m->from.dom].name;
#define MIDL() (LB(), WL("MID "), wu(mid))
    if (m->dir == 0) {
        if (m->dkim == 0) { MIDL(); WL(" DKIM: pass signature verified (d="); ws(fd); WL(" s=s"); wu(rr(1, 2048)); WL(" i=@"); ws(fd); wc(')'); LE(); }
        else if (m->dkim == 1) { MIDL(); WL(" DKIM: permfail body hash did not verify [final] (d="); ws(fd); WL(" s=sel1 i=@"); ws(fd); wc(')'); LE(); }
        int aligned_spf = m->spf == 0, aligned_dkim = m->dkim == 0;
        if (m->dkim != 2 || m->spf == 0) {
            MIDL(); WL(" DMARC: Message from domain "); ws(fd); WL(", DMARC ");
            ws(aligned_spf || aligned_dkim ? "pass" : "fail"); WL(" (SPF aligned "); ws(aligned_spf ? "True" : "False");
            WL(", DKIM aligned "); ws(aligned_dkim ? "True" : "False"); wc(')'); LE();
            MIDL(); WL(" DMARC: Verification "); ws(aligned_spf || aligned_dkim ? "passed" : "failed"); LE();
        }
        MIDL(); WL(" matched all recipients for per-recipient policy "); ws(POLICY_IN[rn(NA(POLICY_IN))]); WL(" in the inbound table"); LE();
        const char *cv = m->fate == F_DROP ? "spam positive" : m->fate == F_ISQ ? "spam suspect" : CASECAT[rn(NA(CASECAT))];
        MIDL(); WL(" interim verdict using engine: CASE "); ws(cv); LE();
        MIDL(); WL(" using engine: CASE "); ws(cv[0] == 's' ? cv : "spam negative"); LE();
        if (m->fate == F_DROP) {
            LB(); WL("Message aborted MID "); wu(mid); WL(" Dropped by CASE"); LE();
            LB(); WL("Message finished MID "); wu(mid); WL(" done"); LE();
            return;
        }
        if (pm(300)) { MIDL(); WL(" using engine: GRAYMAIL "); ws(pm(800) ? "negative" : "marketing_mail"); LE(); }
        for (int a = 0; a < m->natt; a++) {
            MIDL(); WL(" attachment '"); ws(ATTBASE[rn(NA(ATTBASE))]); if (pm(600)) { wc('_'); wu(rr(100, 999999)); }
            wc('.'); ws(m->fate == F_VIRUS ? "zip" : ATTEXT[rn(NA(ATTEXT))]); wc('\''); LE();
        }
        MIDL(); WL(" interim AV verdict using Sophos "); ws(m->fate == F_VIRUS ? "VIRAL" : "CLEAN"); LE();
        if (m->fate == F_VIRUS) {
            MIDL(); WL(" antivirus positive 'Troj/Agent-"); wrand(HEXU + 10, 6, 4); WL("' "); LE();
            MIDL(); WL(" quarantined to \"Virus\" (a/v verdict VIRAL)"); LE();
            return;
        }
        MIDL(); WL(" antivirus negative "); LE();
        if (m->natt) { MIDL(); WL(" AMP file reputation verdict : "); ws(pm(850) ? "CLEAN" : "UNKNOWN"); LE(); }
        else { MIDL(); WL(" AMP file reputation verdict : SKIPPED (no attachment in message)"); LE(); }
        if (m->size > 262144 && pm(500)) { MIDL(); WL(" was too big ("); wu(m->size); WL("/262144) for scanning by Outbreak Filters"); LE(); }
        else { MIDL(); WL(" Outbreak Filters: verdict negative"); LE(); }
        if (m->fate == F_QUAR) {
            MIDL(); WL(" Custom Log Entry: attachment policy hit"); LE();
            MIDL(); WL(" quarantined to \"Policy\" (message filter:quarantine_macros)"); LE();
            return;
        }
        if (m->fate == F_ISQ) { LB(); WL("ISQ: Tagging MID "); wu(mid); WL(" for quarantine"); LE(); }
        MIDL(); WL(" queued for delivery"); LE();
    } else {
        MIDL(); WL(" matched all recipients for per-recipient policy DEFAULT in the outbound table"); LE();
        MIDL(); WL(" interim AV verdict using Sophos CLEAN"); LE();
        MIDL(); WL(" antivirus negative "); LE();
        MIDL(); WL(" Outbreak Filters: verdict negative"); LE();
        MIDL(); WL(" DKIM: signing with corvane_2026 - matches "); w_addr_plain(&m->from); LE();
        MIDL(); WL(" queued for delivery"); LE();
    }
#undef MIDL
}

/* --- delivery connections */

static const char *const INT_HOST[] = { "10.20.30.11", "10.20.30.12", "10.20.30.21", "10.20.30.22" };

static void spawn_deliv(int q)
{
    Msg *m = q_pop(q);
    if (!m) return;
    Ent *e = ent_new(E_DELIV);
    e->queue = q; ndeliv[q]++;
    e->msg = m;
    e->left = q == Q_IN ? (int)rr(1, 8) : q == Q_ISQ ? (int)rr(2, 10) : 1;
    e->dest = q == Q_IN ? (int)rn(NA(INT_HOST)) : 0;
}

static void w_response(Ent *e, Msg *m)
{
    WL("Response '");
    if (e->queue == Q_ISQ) { WL("ok:  Message "); wu(rr(10000000, 99999999)); WL(" accepted"); }
    else if (e->queue == Q_IN && e->dest < 2) { WL("2.0.0 Ok: queued as 4"); wrand(ALNUM, 62, 15); }
    else if (e->queue == Q_IN) {
        WL("2.6.0 <"); wrand(HEXU, 16, 32); WL("@EXCH"); wu((uint64_t)e->dest); WL(".corp.corvane.com> [InternalId=");
        wu(rr(10000000, 999999999)); WL(", Hostname=EXCH"); wu((uint64_t)e->dest); WL(".corp.corvane.com] Queued mail for delivery");
    } else {
        switch ((m->mid ^ m->rcpt[0].dom) % 3) {
        case 0: WL("2.0.0 OK  "); wu(now_ms / 1000 + 18000); wc(' '); wrand(ALNUM, 62, 12); WL(".123 - gsmtp"); break;
        case 1: WL("2.6.0 <"); wrand(HEXU, 16, 24); WL("@mx.outbound.example> Queued mail for delivery"); break;
        default: WL("2.0.0 Ok: queued as "); wrand(HEXU, 16, 11); break;
        }
    }
    wc('\'');
}

static void render_deliv_msg(Ent *e, Msg *m)
{
    uint64_t mid = m->mid;
    unsigned bounce = 0, delay = 0;
    if (m->attempt == 0) { bounce = m->bounce; delay = m->delay; }
    unsigned ok = m->pending & ~bounce & ~delay;
    LB(); WL("Delivery start DCID "); wu(e->id); WL(" MID "); wu(mid); WL(" to RID "); wridlist(m->pending); LE();
    for (int r = 0; r < m->nrcpt; r++) {
        if (bounce & (1u << r)) {
            LB(); WL("Bounced: DCID "); wu(e->id); WL(" MID "); wu(mid); WL(" From: "); w_addr(&m->from);
            WL(" To: "); w_addr(&m->rcpt[r]); WL(" RID "); wu((uint64_t)r);
            if (m->dir == 0 || pm(700)) {
                WL(" - 5.1.1 - Bad destination email address ('550', ['5.1.1 <"); w_addr_plain(&m->rcpt[r]);
                WL(">: Recipient address rejected: User unknown in local recipient table'])");
            } else {
                WL(" - 5.1.0 - Unknown address error ('550', ['5.1.0 Address rejected.'])");
            }
            LE();
        } else if (delay & (1u << r)) {
            LB(); WL("Delayed: DCID "); wu(e->id); WL(" MID "); wu(mid); WL(" From: "); w_addr(&m->from);
            WL(" To: "); w_addr(&m->rcpt[r]); WL(" RID "); wu((uint64_t)r);
            WL(" - 4.3.2 - Not accepting messages at this time ('421', ['4.3.2 Service not available, closing transmission channel'])");
            LE();
        }
    }
    if (ok) {
        LB(); WL("Message done DCID "); wu(e->id); WL(" MID "); wu(mid); WL(" to RID "); wridlist(ok);
        if (e->queue == Q_ISQ) WL(" (external quarantine) "); else wc(' ');
        LE();
        LB(); WL("MID "); wu(mid); WL(" RID "); wridlist(ok); wc(' '); w_response(e, m); LE();
    }
    if (delay) {
        m->pending = (uint8_t)delay;
        m->attempt++;
        m->due = now_ms + rr(8, 40) * 60000ULL;
        e->phase = 12;                                /* chunk end: retry list */
    } else {
        LB(); WL("Message finished MID "); wu(mid); WL(" done"); LE();
        e->phase = 11;                                /* chunk end: free msg */
    }
}

static void render_deliv(Ent *e)
{
    if (e->phase == 0) {
        Msg *m = e->msg;
        if (e->queue == Q_OUT && m->fate == F_DNSFAIL) {      /* DCID 0: no connection */
            LB(); WL("Bounced: DCID 0 MID "); wu(m->mid); WL(" From: "); w_addr(&m->from); WL(" To: ");
            w_addr(&m->rcpt[0]); WL(" RID 0 - 5.1.2 - Bad destination host ('000', ['DNS Hard Error looking up ");
            ws(dom[m->rcpt[0].dom].name); WL(" (MX):  NXDomain'])"); LE();
            for (int r = 1; r < m->nrcpt; r++) {
                LB(); WL("Bounced: DCID 0 MID "); wu(m->mid); WL(" From: "); w_addr(&m->from); WL(" To: ");
                w_addr(&m->rcpt[r]); WL(" RID "); wu((uint64_t)r); WL(" - 5.1.2 - Bad destination host ('000', ['DNS Hard Error looking up ");
                ws(dom[m->rcpt[0].dom].name); WL(" (MX):  NXDomain'])"); LE();
            }
            LB(); WL("Message finished MID "); wu(m->mid); WL(" done"); LE();
            e->phase = 13;
            return;
        }
        e->id = dcid_ctr++;
        n_deliv_conns++;
        LB(); WL("New SMTP DCID "); wu(e->id); WL(" interface "); ws(DCID_IFIP); WL(" address ");
        if (e->queue == Q_IN) { ws(INT_HOST[e->dest]); WL(" port 25"); }
        else if (e->queue == Q_ISQ) WL("10.20.40.5 port 6025");
        else { wip(pool[(m->rcpt[0].dom * 7u) % POOL_SIZE].ip); WL(" port 25"); }
        LE();
        if (e->queue == Q_IN ? e->dest >= 2 : e->queue == Q_OUT ? pm(750) : 0) {
            LB(); WL("DCID "); wu(e->id); WL(" TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 ");
            if (e->queue == Q_OUT && pm(300)) { WL("for "); ws(dom[m->rcpt[0].dom].name); }
            LE();
        }
        e->left--;
        render_deliv_msg(e, m);
        return;
    }
    if (e->phase == 10) {                                    /* next message or close */
        Msg *m = e->left > 0 ? q_pop(e->queue) : NULL;
        if (m) { e->msg = m; e->left--; render_deliv_msg(e, m); return; }
        LB(); WL("DCID "); wu(e->id); WL(" close"); LE();
        e->phase = 13;
    }
}

/* render next chunk; 0 = entity finished */
static int render(Ent *e)
{
    wp = e->buf; e->blen = e->bpos = 0;
    switch (e->type) {
    case E_CONN:
        if (e->phase == 3) return 0;
        if (e->phase == 2) e->phase = e->left > 0 ? 1 : 4;
        render_conn(e); break;
    case E_PIPE:
        if (e->phase) return 0;
        render_pipe(e); e->phase = 1; break;
    default:
        if (e->phase == 13) return 0;
        render_deliv(e); break;
    }
    e->blen = (int)(wp - e->buf);
    if (e->blen > ENT_BUF) { fprintf(stderr, "gen: entity buffer overflow\n"); exit(1); }
    return 1;
}

/* action at the end of a chunk (right after its last line was written); 0 = finished */
static int chunk_end(Ent *e)
{
    switch (e->type) {
    case E_CONN:
        if (e->phase == 2) {                          /* message received: into the work queue */
            Ent *p = ent_new(E_PIPE);
            p->msg = e->msg; e->msg = NULL;
            return 1;
        }
        return e->phase != 3;
    case E_PIPE: {
        Msg *m = e->msg;
        if (m->dir == 1) q_push(Q_OUT, m);
        else if (m->fate == F_DROP || m->fate == F_VIRUS) msg_del(m);
        else if (m->fate == F_QUAR) { m->due = now_ms + rr(20, 240) * 60000ULL; list_add(&hold, &nhold, &caphold, m); }
        else q_push(m->fate == F_ISQ ? Q_ISQ : Q_IN, m);
        return 0;
    }
    default:
        if (e->phase == 11) { msg_del(e->msg); e->msg = NULL; e->phase = 10; return 1; }
        if (e->phase == 12) { list_add(&retry, &nretry, &capretry, e->msg); e->msg = NULL; e->phase = 10; return 1; }
        if (e->phase == 13) { if (e->msg && e->queue == Q_OUT && e->msg->fate == F_DNSFAIL) { msg_del(e->msg); } e->msg = NULL; return 0; }
        return 1;
    }
}

/* emit one line of entity i; 0 if the entity was removed */
static int step(int i)
{
    Ent *e = act[i];
    if (e->bpos >= e->blen && !render(e)) { ent_remove(i); return 0; }
    uint16_t n; memcpy(&n, e->buf + e->bpos, 2);
    emit(e->buf + e->bpos + 2, n);
    e->bpos += 2 + n;
    if (e->bpos >= e->blen && !chunk_end(e)) { ent_remove(i); return 0; }
    return 1;
}

/* --- timed events: retries, quarantine release, system lines */

static uint64_t case_hits = 48211, case_miss = 1903455, case_adds = 1899012;
static uint64_t case_saved = 1436587, case_total = 231980066;     /* centiseconds */
static uint64_t next_case, next_sbrs;

static void check_due(void)
{
    char lb[512];
    if (now_ms >= next_case) {
        case_hits += rr(50, 400); case_miss += rr(3000, 9000); case_adds += rr(3000, 9000);
        case_saved += rr(2000, 20000); case_total += rr(200000, 900000);
        wp = lb; WL("CASE cache status: hits = "); wu(case_hits); WL(", misses = "); wu(case_miss);
        WL(", expires = 0, adds = "); wu(case_adds); WL(", seconds saved = "); wu(case_saved / 100); wc('.');
        wc((char)('0' + case_saved / 10 % 10)); wc((char)('0' + case_saved % 10));
        WL(", total seconds = "); wu(case_total / 100); wc('.'); wc((char)('0' + case_total / 10 % 10)); wc((char)('0' + case_total % 10));
        emit(lb, (size_t)(wp - lb));
        next_case = now_ms + 300000;
    }
    if (now_ms >= next_sbrs) {
        uint32_t h = rr(300, 1500);
        wp = lb; WL("SenderBase upload: "); wu(h); WL(" hosts totalling "); wu(h * rr(250, 300)); WL(" bytes");
        emit(lb, (size_t)(wp - lb));
        next_sbrs = now_ms + rr(240, 360) * 1000ULL;
    }
    if (now_ms < next_due) return;
    next_due = (uint64_t)-1;
    for (int i = 0; i < nretry; ) {
        Msg *m = retry[i];
        if (m->due <= now_ms) { retry[i] = retry[--nretry]; q_push(m->dir ? Q_OUT : Q_IN, m); continue; }
        if (m->due < next_due) next_due = m->due;
        i++;
    }
    for (int i = 0; i < nhold; ) {
        Msg *m = hold[i];
        if (m->due <= now_ms) {
            hold[i] = hold[--nhold];
            uint64_t t = (now_ms - m->due) / 1000 + rr(1200, 14400);
            if (pm(550)) {
                wp = lb; WL("MID "); wu(m->mid); WL(" released from quarantine \"Policy\" (admin release) t="); wu(t);
                emit(lb, (size_t)(wp - lb));
                wp = lb; WL("MID "); wu(m->mid); WL(" queued for delivery"); emit(lb, (size_t)(wp - lb));
                q_push(Q_IN, m);
            } else {
                wp = lb; WL("MID "); wu(m->mid); WL(" deleted from quarantine \"Policy\" (expired) t="); wu(t);
                emit(lb, (size_t)(wp - lb));
                wp = lb; WL("Message finished MID "); wu(m->mid); WL(" done"); emit(lb, (size_t)(wp - lb));
                msg_del(m);
            }
            continue;
        }
        if (m->due < next_due) next_due = m->due;
        i++;
    }
}

/* ------------------------------------------------------------------ main */

static void mkdir_p(const char *path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') { *p = 0; if (mkdir(tmp, 0755) < 0 && errno != EEXIST) die(tmp); *p = '/'; }
    if (mkdir(tmp, 0755) < 0 && errno != EEXIST) die(tmp);
}
static void clean_old(void)
{
    DIR *d = opendir(outdir);
    if (!d) die(outdir);
    struct dirent *de;
    char p[4096];
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        int rot = strncmp(de->d_name, "mail.@", 6) == 0 && n > 2 && strcmp(de->d_name + n - 2, ".s") == 0;
        if (rot || strcmp(de->d_name, "mail.current") == 0) {
            snprintf(p, sizeof p, "%s/%s", outdir, de->d_name);
            if (unlink(p) < 0) die(p);
        }
    }
    closedir(d);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s OUTDIR SIZE_MB [SEED [ID_BASE]]\n", argv[0]);
        return 2;
    }
    outdir = argv[1];
    char *end;
    unsigned long long size_mb = strtoull(argv[2], &end, 10);
    if (*end || size_mb == 0) { fprintf(stderr, "gen: bad SIZE_MB '%s'\n", argv[2]); return 2; }
    unsigned long long seed = 42;
    if (argc >= 4) { seed = strtoull(argv[3], &end, 10); if (*end) { fprintf(stderr, "gen: bad SEED '%s'\n", argv[3]); return 2; } }
    if (argc == 5) {
        unsigned long long base = strtoull(argv[4], &end, 10);
        if (*end || base > 1000000000000ULL) { fprintf(stderr, "gen: bad ID_BASE '%s'\n", argv[4]); return 2; }
        icid_ctr += base; mid_ctr += base; dcid_ctr += base;
    }
    uint64_t target = size_mb * MIB;

    char path[4096];
    mkdir_p(outdir);
    snprintf(path, sizeof path, "%s/gz", outdir); mkdir_p(path);
    clean_old();
    snprintf(path, sizeof path, "%s/all.log", outdir);
    fd_all = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd_all < 0) die(path);
    snprintf(path, sizeof path, "%s/gz/all.log.gz", outdir);
    gzf = gzopen(path, "wb6");
    if (!gzf) die(path);
    gzbuffer(gzf, 1u << 20);

    for (int i = 0; i < NOBUF; i++) if (!(obuf[i] = malloc(OBUF_SIZE))) die("malloc");
    ocur = 0; op = obuf[0]; oend = op + OBUF_SIZE;
    for (int i = 1; i < NOBUF; i++) { freeq[frq_tail] = i; frq_tail = (frq_tail + 1) % (NOBUF + 1); frq_n++; }
    pthread_t th;
    if (pthread_create(&th, NULL, gz_thread, NULL)) { fprintf(stderr, "gen: pthread_create failed\n"); return 1; }

    seed_rng(seed);
    make_domains();
    make_pool();
    name_busy();
    seed_rng(seed ^ 0x5DEECE66DULL);

    uint64_t start_ms = (uint64_t)days_from_civil(2026, 11, 1) * 86400000ULL;
    now_ms = start_ms;
    next_case = now_ms + 120000; next_sbrs = now_ms + 200000;
    open_file();

    /* needle schedule: evenly spread over the byte range, with jitter */
    uint64_t needle_at[3][NEEDLE_CONNS]; int needle_k[3] = { 0, 0, 0 };
    for (int n = 1; n <= 2; n++)
        for (int k = 0; k < NEEDLE_CONNS; k++) {
            double slot = (double)target / NEEDLE_CONNS;
            double jit = ((double)rn(1000) / 1000.0 - 0.5) * 0.6 * slot;
            needle_at[n][k] = (uint64_t)(slot * (k + 0.5) + jit);
        }

    int draining = 0, debug = getenv("GEN_DEBUG") != NULL;
    for (;;) {
        if (!draining) {
            while (nconn < CONN_TARGET) spawn_conn(0);
            for (int n = 1; n <= 2; n++)
                while (needle_k[n] < NEEDLE_CONNS && total_bytes >= needle_at[n][needle_k[n]]) { spawn_conn(n); needle_k[n]++; }
        }
        /* internal deliveries reuse connections: open another one only when a few wait */
        while (qlen[Q_IN] > (ndeliv[Q_IN] < 6 ? 0 : 3) && ndeliv[Q_IN] < DELIV_MAX_IN) spawn_deliv(Q_IN);
        while (qlen[Q_ISQ] && ndeliv[Q_ISQ] < DELIV_MAX_ISQ) spawn_deliv(Q_ISQ);
        while (qlen[Q_OUT] && ndeliv[Q_OUT] < DELIV_MAX_OUT) spawn_deliv(Q_OUT);
        check_due();
        if (nact == 0) {
            if (qlen[0] || qlen[1] || qlen[2]) continue;
            if (!nretry && !nhold) break;
            if (next_due > now_ms) now_ms = next_due;        /* idle: jump to the next timed event */
            continue;
        }
        if (debug && (total_lines & 0xFFFF) < 3)
            fprintf(stderr, "lines=%llu nact=%d nconn=%d deliv=%d/%d/%d q=%d/%d/%d retry=%d hold=%d\n",
                    (unsigned long long)total_lines, nact, nconn, ndeliv[0], ndeliv[1], ndeliv[2], qlen[0], qlen[1], qlen[2], nretry, nhold);
        int i = (int)rn((uint32_t)nact);
        uint32_t b = rn(100);
        int burst = b < 35 ? 1 : b < 60 ? 2 : b < 80 ? 3 : (int)rr(4, 6);
        for (int k = 0; k < burst; k++) if (!step(i)) break;
        if (!draining && total_bytes >= target) {
            draining = 1;
            for (int n = 1; n <= 2; n++) while (needle_k[n] < NEEDLE_CONNS) { spawn_conn(n); needle_k[n]++; }
        }
    }

    flush_out();
    if (close(fd_cur) < 0) die(cur_name);
    snprintf(path, sizeof path, "%s/mail.current", outdir);
    if (rename(cur_name, path) < 0) die(path);
    if (close(fd_all) < 0) die("all.log");
    gz_push(-1);
    pthread_join(th, NULL);
    if (gz_err || gzclose(gzf) != Z_OK) { fprintf(stderr, "gen: gzip write failed\n"); return 1; }

    char t0[32], t1[32];
    fmt_asctime(start_ms / 1000, t0); t0[24] = 0;
    fmt_asctime(now_ms / 1000, t1); t1[24] = 0;
    printf("bytes=%llu lines=%llu files=%llu connections=%llu messages=%llu delivery_connections=%llu "
           "span='%s'..'%s' seed=%llu",
           (unsigned long long)total_bytes, (unsigned long long)total_lines, (unsigned long long)nfiles,
           (unsigned long long)n_conns, (unsigned long long)n_msgs, (unsigned long long)n_deliv_conns, t0, t1, seed);
    for (int n = 1; n <= 2; n++)
        printf(" needle_%s=conns:%llu,msgs:%llu,delivered:%llu,bounced:%llu,dropped:%llu,delayed_then_delivered:%llu",
               NEEDLE_IP[n], (unsigned long long)nst[n].conns, (unsigned long long)nst[n].msgs,
               (unsigned long long)nst[n].delivered, (unsigned long long)nst[n].bounced,
               (unsigned long long)nst[n].dropped, (unsigned long long)nst[n].delayed);
    for (int i = 0; i < 3; i++) printf(" busy_%s=conns:%llu", BUSY_IP[i], (unsigned long long)busy_conns[i]);
    printf("\n");
    return 0;
}
