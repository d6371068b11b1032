(function(){
var d=JSON.parse(document.getElementById('data').textContent);
var made=0,expected=0;
document.getElementById('files').textContent='Logs: '+d.files.join(', ');
function fmt(v,u){if(v==null)return '';if(u==='count')return (Math.round(v*10)/10).toString();
 if(u==='MiB')return v<999.5?v.toPrecision(3)+' MiB':digits(v/1024)+' GiB';
 if(v<0.001)return (v*1e6).toFixed(0)+' ns';if(v<0.9995)return (v*1e3).toPrecision(3)+' µs';
 if(v<999.5)return v.toPrecision(3)+' ms';return digits(v/1000)+' s';}
function digits(v){return v<999.5?v.toPrecision(3):v.toFixed(0);}
var t=document.getElementById('summary');
var head=['tag','count','min','p50','p90','p99','p99.9','max','mean'];
t.insertRow().innerHTML=head.map(function(h){return '<th>'+h+'</th>';}).join('');
d.tags.forEach(function(g){var r=t.insertRow();r.insertCell().textContent=g.name;
 r.insertCell().textContent=g.count;g.stats.forEach(function(v){r.insertCell().textContent=fmt(v,g.unit);});});
var dg=document.getElementById('diagnosis');
if(d.diagnosis.length>0){var dh=document.createElement('h2');
 dh.textContent='Why spawns are slow'+(d.verdict?': '+d.verdict:'');dg.appendChild(dh);
 var pre=document.createElement('pre');pre.textContent=d.diagnosis.join('\n');dg.appendChild(pre);}
var gl=document.getElementById('glossary');
d.glossary.forEach(function(e){var r=gl.insertRow();r.insertCell().textContent=e[0];r.insertCell().textContent=e[1];});
var charts=document.getElementById('charts');
function clock(u,vals){var span=u.scales.x.max-u.scales.x.min;return vals.map(function(v){
 var s=new Date(v*1000).toISOString();return span<10?s.substr(11,10):s.substr(11,8);});}
function pctOf(x){if(x==null)return '';var p=100*(1-1/x);return (p<99?p.toFixed(0):p<99.99?p.toFixed(2):p.toPrecision(7))+'%';}
function valued(unit){return function(u,v){return fmt(v,unit);};}
function clockValue(u,v){return v==null?'':new Date(v*1000).toISOString().substr(11,12)+' UTC';}
function pos(a){return a.map(function(v){return v>0?v:null;});}
function linear(g){return g.unit!=='ms';}
function logY(g,a){return linear(g)?a:pos(a);}
function box(parent){var e=document.createElement('div');parent.appendChild(e);return e;}
function plot(opts,data,parent){expected++;try{new uPlot(opts,data,box(parent));made++;}
 catch(e){var p=box(parent);p.className='note';p.textContent='chart failed: '+e;}}
var NINES=[1,2,10,100,1e3,1e4,1e5,1e6,1e7];
var PCT={1:'0%',2:'50%',10:'90%',100:'99%',1000:'99.9%',10000:'99.99%',100000:'99.999%',1000000:'99.9999%',10000000:'99.99999%'};
function nines(u,axisIdx,min,max){return NINES.filter(function(x){return x>=min*0.999&&x<=max*1.001;});}
function pct(u,vals){return vals.map(function(x){return PCT[x]||'';});}
if(d.overview.names.length>1){var h=document.createElement('h2');
 h.textContent='Spawn latency and spawn-lock waits over time (p99 per point)';charts.appendChild(h);
 plot({width:1100,height:320,scales:{y:{distr:3}},axes:[{values:clock,label:'time (UTC)'},{label:'ms'}],
  series:[{label:'time',value:clockValue}].concat(d.overview.names.map(function(n,i){
   return {label:n,value:valued('ms'),stroke:['#1f77b4','#d62728','#2ca02c','#9467bd','#ff7f0e','#8c564b'][i%6],spanGaps:true};}))},
  [d.overview.data[0]].concat(d.overview.data.slice(1).map(pos)),charts);}
d.tags.forEach(function(g){var h=document.createElement('h2');
 h.textContent=g.name+' ('+g.count+' values, '+g.unit+')';charts.appendChild(h);
 var pair=box(charts);pair.className='pair';
 if(g.distribution[0].length>0){plot({title:'percentile distribution',width:540,height:280,
  scales:{x:{time:false,distr:3,range:function(u,min,max){return [1,Math.max(max,100)];}},y:{distr:linear(g)?1:3}},
  axes:[{splits:nines,values:pct,label:'percentile'},{label:g.unit}],
  series:[{label:'percentile',value:function(u,v){return pctOf(v);}},{label:g.name,value:valued(g.unit),stroke:'#1f77b4',points:{show:false}}]},
  [g.distribution[0],logY(g,g.distribution[1])],pair);}
 plot({title:'over time'+(g.pointWidth>1?' (each point: the highest of '+g.pointWidth+' intervals)':''),
  width:540,height:280,scales:{y:{distr:linear(g)?1:3}},axes:[{values:clock,label:'time (UTC)'},{label:g.unit}],
  series:[{label:'time',value:clockValue},{label:'p50',value:valued(g.unit),stroke:'#2ca02c'},
   {label:'p99',value:valued(g.unit),stroke:'#ff7f0e'},{label:'max',value:valued(g.unit),stroke:'#d62728'}]},
  [g.series[0]].concat(g.series.slice(1).map(function(a){return logY(g,a);})),pair);});
document.body.setAttribute('data-charts-expected',expected);
document.body.setAttribute('data-charts-rendered',made);
})();
