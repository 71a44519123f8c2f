# shellcheck shell=sh
# SPDX-License-Identifier: Apache-2.0
#
# tests/nginx.sh: sourced (POSIX sh) by tests/bench/latency.sh and
# tests/integration.sh.  nginx as the TLS front of a plain HTTP/1.1
# server on 127.0.0.1 (the fake registry): a CA and a server certificate
# for 127.0.0.1 made in the run (EC P-256, for a day), TLS 1.2 and 1.3,
# one port with http2 and one without, and for each port an access log
# whose lines are, per request:
#   $connection $ssl_session_reused $server_protocol $ssl_protocol
#   $status $request_uri
# that is the connection's serial number, "r" when its TLS session was
# resumed (else "."), HTTP/2.0 or HTTP/1.1, the TLS version, the status
# and the path.  Upstream connections are kept alive, so that nginx is
# no bottleneck.  The functions say what failed in $why and return 1,
# and leave the verdict to the caller.

# nginx_find: the nginx binary in $nginx (Debian's is in /usr/sbin).
nginx_find() {
	nginx=$(command -v nginx 2>/dev/null) && return 0
	if [ -x /usr/sbin/nginx ]; then
		nginx=/usr/sbin/nginx
		return 0
	fi
	why="nginx not found"
	return 1
}

# nginx_certs DIR: DIR/ca.pem (the CA a client is to trust) and
# DIR/server.pem, DIR/server.key (127.0.0.1 and localhost); openssl's
# messages in DIR/openssl.log.
nginx_certs() {
	mkdir -p "$1" || { why="cannot make $1"; return 1; }
	printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
	    "basicConstraints=CA:FALSE" "extendedKeyUsage=serverAuth" \
	    >"$1/ext.cnf"
	{ openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$1/ca.key" -out "$1/ca.pem" -days 1 \
	    -subj /CN=pierone-test-ca \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign &&
	  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -keyout "$1/server.key" -out "$1/server.csr" \
	    -subj /CN=127.0.0.1 &&
	  openssl x509 -req -in "$1/server.csr" -CA "$1/ca.pem" \
	    -CAkey "$1/ca.key" -set_serial 1 -days 1 \
	    -extfile "$1/ext.cnf" -out "$1/server.pem"; } \
	    >"$1/openssl.log" 2>&1 && return 0
	why="openssl cannot make the test certificate (see $1/openssl.log)"
	return 1
}

# nginx_conf DIR CERTDIR UPSTREAM_PORT H2_PORT H1_PORT: DIR/nginx.conf,
# its logs in DIR/logs (h2.log, h1.log, error.log).
nginx_conf() {
	_loc="location / { proxy_pass http://upstream; proxy_http_version 1.1;
	    proxy_set_header Connection \"\"; proxy_buffering off; }"
	cat >"$1/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid "$1/nginx.pid";
error_log "$1/logs/error.log" warn;
events { worker_connections 1024; }
http {
	access_log off;
	log_format conns '\$connection \$ssl_session_reused \$server_protocol '
	    '\$ssl_protocol \$status \$request_uri';
	client_body_temp_path "$1/temp/body";
	proxy_temp_path "$1/temp/proxy";
	fastcgi_temp_path "$1/temp/fastcgi";
	uwsgi_temp_path "$1/temp/uwsgi";
	scgi_temp_path "$1/temp/scgi";
	ssl_certificate "$2/server.pem";
	ssl_certificate_key "$2/server.key";
	ssl_protocols TLSv1.2 TLSv1.3;
	ssl_session_cache shared:pierone:1m;
	upstream upstream { server 127.0.0.1:$3; keepalive 32; }
	server {
		listen 127.0.0.1:$4 ssl http2;
		access_log "$1/logs/h2.log" conns;
		$_loc
	}
	server {
		listen 127.0.0.1:$5 ssl;
		access_log "$1/logs/h1.log" conns;
		$_loc
	}
}
EOF
}

# nginx_up PORT CA: whether nginx answers over TLS there (any status).
nginx_up() {
	case $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
	    --cacert "$2" "https://127.0.0.1:$1/" 2>/dev/null) in
	[1-5]??) return 0 ;;
	esac
	return 1
}

# nginx_start DIR CERTDIR UPSTREAM_PORT DELAYPROXY: nginx (found by
# nginx_find) with nginx_conf's configuration, on two ports the kernel
# picked ('DELAYPROXY -f' prints one that is free now: nginx cannot
# listen on port 0); another program may take one first, hence up to
# three tries.  Sets $nginx_pid, $nginx_h2_port and $nginx_h1_port once
# it answers.
nginx_start() {
	mkdir -p "$1/logs" "$1/temp" || { why="cannot make $1"; return 1; }
	_try=0
	while [ $_try -lt 3 ]; do
		_try=$((_try + 1))
		if ! nginx_h2_port=$("$4" -f) || ! nginx_h1_port=$("$4" -f)
		then
			why="$4 -f: no free port"
			return 1
		fi
		nginx_conf "$1" "$2" "$3" "$nginx_h2_port" "$nginx_h1_port"
		"$nginx" -p "$1/" -c "$1/nginx.conf" -e "$1/logs/error.log" \
		    >"$1/stderr" 2>&1 &
		nginx_pid=$!
		_i=0
		while [ $_i -lt 100 ] && kill -0 "$nginx_pid" 2>/dev/null; do
			nginx_up "$nginx_h2_port" "$2/ca.pem" && return 0
			sleep 0.05
			_i=$((_i + 1))
		done
		kill "$nginx_pid" 2>/dev/null
		wait "$nginx_pid" 2>/dev/null
		grep -q 'Address already in use' "$1/logs/error.log" \
		    "$1/stderr" 2>/dev/null || break
	done
	nginx_pid=""
	why="nginx did not start: $(cat "$1/stderr" "$1/logs/error.log" \
	    2>/dev/null | grep . | tail -n 1)"
	return 1
}
