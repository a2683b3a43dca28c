# Fan-out of N messages x 1 s through a plain RequestHandler<SQSEvent, SQSBatchResponse> jar
# (test-functions' com.example.SqsHandler) behind `load-splitter serve`, measured as a user would:
# messages sent with boto3, wall time until the queue is empty, peak concurrency from the START/END
# lines, peak RSS of the runtime's JVM and of the function's JVM (Linux /proc).
#   ./mvnw -B install -DskipTests && python3 bench/plain-fan-out.py 1000      (needs boto3)
# The same fan-out through our function: ./load-splitter run --delay 1s --json EVENT_WITH_1000_TAGS
import boto3, datetime, json, os, re, socket, subprocess, sys, time, concurrent.futures as cf
N = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sqs_port, lambda_port, aws_port = 9524, 9521, 9522
LOG = os.path.join(root, "bench", "target", "plain-fan-out-serve.log")
os.makedirs(os.path.dirname(LOG), exist_ok=True)
log = open(LOG, "w")
t_launch = time.time()
p = subprocess.Popen([root + "/load-splitter", "serve", "--function-jar", root + "/test-functions/target/plain-lambda.jar",
    "--handler", "com.example.SqsHandler::handleRequest", "--env", "SLEEP_MS=1000", "--concurrency", "1000",
    "--sqs-port", str(sqs_port), "--lambda-port", str(lambda_port), "--aws-port", str(aws_port)], stdout=log, stderr=log)
def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0
while not (listening(sqs_port) and listening(lambda_port)):
    time.sleep(0.05)
t_ready = time.time()
def cpu(pid):
    """CPU seconds (user + system) a process has used so far (Linux /proc)."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None
def find_runtime_pid():
    pids = subprocess.run(["pgrep", "-f", "load-splitter-cli.jar.*serve.*--sqs-port " + str(sqs_port)],
                          capture_output=True, text=True).stdout.split()
    return pids[0] if pids else None
runtime_pid = find_runtime_pid()
rt_cpu_ready = cpu(runtime_pid) if runtime_pid else None
py_cpu_ready = sum(os.times()[:2])
sqs = boto3.client("sqs", endpoint_url=f"http://127.0.0.1:{sqs_port}", region_name="us-east-1",
                   aws_access_key_id="x", aws_secret_access_key="x")
url = sqs.get_queue_url(QueueName="load-splitter-queue")["QueueUrl"]
t0 = time.time()
def send(b):
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{b}-{i}"} for i in range(10)])
with cf.ThreadPoolExecutor(10) as ex:
    list(ex.map(send, range(N // 10)))
t_sent = time.time()
# Wait without loading the server under test: follow the serve log's LOCAL lines (each names how
# many records its invocation processed) until they sum to N, or until 5 s pass with no new one (a
# record that failed comes back later), and only then ask SQS whether the queue is empty. Asking
# it every 50 ms from the first send cost the runtime about 80 requests, ~0.5 s of its CPU.
processed, last_progress, tail, partial = 0, time.time(), open(LOG), ""
while processed < N and time.time() - last_progress < 5:
    *lines, partial = (partial + tail.read()).split("\n")
    for line in lines:
        m = re.search(r" LOCAL RequestId: .*\tProcessed: (\d+)", line)
        if m:
            processed += int(m.group(1)); last_progress = time.time()
    time.sleep(0.02)
polls = 0
while True:
    polls += 1
    a = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    if int(a["ApproximateNumberOfMessages"]) + int(a["ApproximateNumberOfMessagesNotVisible"]) == 0:
        break
    time.sleep(0.02)
t1 = time.time()
def hwm(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        return None
# the launcher's java, and the function JVM under it
child = subprocess.run(["pgrep", "-f", "dev.loadsplitter.host.HostMain com.example.SqsHandler"], capture_output=True, text=True).stdout.split()
rt, fn = hwm(runtime_pid) if runtime_pid else None, hwm(child[0]) if child else None
# CPU over the run (first send to empty queue): the runtime's after start-up, the function JVM's
# (started by the first invocation), and this script's own sending and polling
rt_cpu = cpu(runtime_pid) - rt_cpu_ready if runtime_pid and rt_cpu_ready is not None else None
fn_cpu = cpu(child[0]) if child else None
py_cpu = sum(os.times()[:2]) - py_cpu_ready
p.terminate(); p.wait(30); log.close()
# peak concurrency from the START/END lines
events = []
for line in open(LOG):
    m = re.match(r"(\S+Z) (START|END) RequestId: (\S+)", line)
    if m:
        events.append((m.group(1), 1 if m.group(2) == "START" else -1))
events.sort(key=lambda e: (e[0], e[1]))
cur = peak = 0
for _, d in events:
    cur += d; peak = max(peak, cur)
inits = [float(x) for x in re.findall(r"Init Duration: ([\d.]+) ms", open(LOG).read())]
# The first container: the first invocation to start (its START line is written as the invocation
# begins, before a cold container's init); its REPORT line gives its Init Duration.
def stamp(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
starts, ends, init_of = {}, [], {}
for line in open(LOG):
    m = re.match(r"(\S+Z) (START|END) RequestId: (\S+)", line)
    if m and m.group(2) == "START":
        starts[m.group(3)] = stamp(m.group(1))
    elif m:
        ends.append(stamp(m.group(1)))
    m = re.match(r"\S+Z REPORT RequestId: (\S+)\t.*Init Duration: ([\d.]+) ms", line)
    if m:
        init_of[m.group(1)] = float(m.group(2))
first = min(starts, key=starts.get) if starts else None
first_init = init_of.get(first)
timeline = {"firstStartS": round(min(starts.values()) - t0, 2) if starts else None,
            "lastStartS": round(max(starts.values()) - t0, 2) if starts else None,
            "lastEndS": round(max(ends) - t0, 2) if ends else None, "emptyS": round(t1 - t0, 2)}
print(json.dumps({"path": "plain SqsHandler (process)", "messages": N, "startupS": round(t_ready - t_launch, 2),
    "sendS": round(t_sent - t0, 2), "wallS": round(t1 - t0, 2), "attributePolls": polls, "invocations": sum(1 for e in events if e[1] == 1),
    "peakConcurrency": peak, "runtimeRssMb": rt, "functionJvmRssMb": fn, "runCpuS": {"runtime": round(rt_cpu, 2) if rt_cpu is not None else None,
        "functionJvm": round(fn_cpu, 2) if fn_cpu is not None else None, "sender": round(py_cpu, 2)},
    "firstInitMs": first_init, "timeline": timeline,
    "wallOverFirstInitPlus1s": round((t1 - t0) / (first_init / 1000 + 1), 2) if first_init else None,
    "initMsMedian": sorted(inits)[len(inits)//2] if inits else None, "initMsMax": max(inits) if inits else None}))
