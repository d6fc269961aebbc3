"""The product families of the benchmark catalog, in the language described in ``matching_vocab``.

Siblings differ in one dimension (a length, a colour, a pack, a finish), which is what makes a
distributor's catalog hard to match by description.
"""

from __future__ import annotations

import matching_families_shop as shop
from matching_vocab import Family, parse_families

_THREADS = (
    "1/4-20 1/4-28 5/16-18 5/16-24 3/8-16 3/8-24 7/16-14 7/16-20 1/2-13 1/2-20 9/16-12 5/8-11 5/8-18 3/4-10"
)
_BIG_THREADS = "3/4-16 7/8-9 1-8"
_METRIC = "M3-0.5 M4-0.7 M5-0.8 M6-1.0 M8-1.25 M10-1.5 M12-1.75 M14-2.0 M16-2.0 M20-2.5 M24-3.0"
_ORIGIN = "w Domestic@D=usa,made in usa|Import@I=imported"
_SMALL_THREADS = "#2-56 #4-40 #6-32 #8-32 #10-24 #10-32 1/4-20 5/16-18 3/8-16"
_LENGTHS = "1/2 5/8 3/4 7/8 1 1-1/4 1-1/2 1-3/4 2 2-1/4 2-1/2 2-3/4 3 3-1/2 4 4-1/2 5 5-1/2 6 7 8 10 12"
_FINISH = (
    "w Plain|Zinc Plated|Yellow Zinc|Hot-Dip Galvanized|18-8 Stainless Steel|316 Stainless Steel|Black Oxide"
)
_COLOURS = "w Black|White|Red|Blue|Green|Yellow|Orange|Gray|Brown|Purple"
_PIPE = "in 1/4 3/8 1/2 3/4 1 1-1/4 1-1/2 2 2-1/2 3"

FASTENERS = f"""
family FAS | Hex Cap Screw; hex cap scr; HHCS; hex hd cap screw; hex bolt; Screw, Hex Cap | {{thread}} x \
{{length}} \
{{thread_length}} {{grade}} {{finish}} {{origin}} | BX 50 9.0 | fam:finish
  thread: thr {_THREADS} {_BIG_THREADS}
  length: in {_LENGTHS}
  thread_length: w Partial Thread@PT=partial thd,part thread|Full Thread@FT=fully threaded,full thd
  grade: lab Grade 2 5 8
  finish: {_FINISH}
  origin: {_ORIGIN}
family FAS | Metric Hex Cap Screw; hex cap screw metric; metric hex bolt; DIN 933 hex screw; HCS metric | \
{{thread}} x {{length}} {{grade}} {{finish}} {{origin}} | BX 100 11.0 | fam:finish
  thread: mthr {_METRIC}
  length: mm 6 8 10 12 16 20 25 30 35 40 45 50 55 60 65 70 80 90 100 110 120 150
  grade: lab Class 8.8 10.9 12.9
  finish: w Plain|Zinc Plated|A2 Stainless|A4 Stainless|Black Oxide
  origin: {_ORIGIN}
family FAS | Socket Head Cap Screw; SHCS; socket cap screw; socket hd cap scr; allen head bolt | {{thread}} \
x \
{{length}} {{finish}} {{origin}} | BX 25 8.5 | fam:finish
  thread: thr {_SMALL_THREADS} 1/4-28 5/16-24 3/8-24 1/2-13 1/2-20 5/8-11
  length: in 1/4 3/8 1/2 5/8 3/4 1 1-1/4 1-1/2 1-3/4 2 2-1/4 2-1/2 3 3-1/2 4 5 6
  finish: w Black Oxide|18-8 Stainless Steel|Zinc Plated|316 Stainless Steel
  origin: {_ORIGIN}
family MS | Machine Screw; mach screw; mach scr; machine scr | {{head}} {{drive}} {{thread}} x {{length}} \
{{finish}} {{origin}} | BX 100 4.2 | fam:finish
  head: w Pan Head|Flat Head|Round Head|Truss Head|Oval Head|Binding Head
  drive: w Phillips@PH|Slotted@SL|Combo@CB|Torx@TX
  thread: thr {_SMALL_THREADS}
  length: in 3/16 1/4 5/16 3/8 1/2 5/8 3/4 7/8 1 1-1/4 1-1/2 1-3/4 2 2-1/2 3
  finish: w Zinc Plated|18-8 Stainless Steel|Black Oxide
  origin: {_ORIGIN}
family WS | Wood Screw; wood scr; screw wood | {{head}} {{drive}} {{gauge}} x {{length}} {{finish}} \
{{origin}} | BX 100 5.2 \
| fam:finish
  head: w Flat Head|Pan Head|Round Head
  drive: w Phillips@PH|Square@SQ|Torx@TX
  gauge: lab # 6 8 10 12 14
  length: in 1/2 3/4 1 1-1/4 1-1/2 2 2-1/2 3 3-1/2 4
  finish: w Zinc Plated|Yellow Zinc|18-8 Stainless Steel|Brass
  origin: {_ORIGIN}
family TEK | Self-Drilling Screw; tek screw; self drill scr; self-drilling tek | {{head}} {{gauge}} x \
{{length}} \
{{finish}} {{origin}} | BX 100 7.5 | fam:finish
  head: w Hex Washer Head|Pan Head|Flat Head|Truss Head
  gauge: lab # 8 10 12 14
  length: in 1/2 5/8 3/4 1 1-1/4 1-1/2 2 3
  finish: w Zinc Plated|18-8 Stainless Steel|White Painted@WP
  origin: {_ORIGIN}
family NUT | Hex Nut; nut hex; hex nuts; finished hex nut | {{type}} {{thread}} {{finish}} {{origin}} | BX \
100 6.0 \
| fam:finish
  type: w Finished|Heavy|Nylon Insert Lock=nylock,nyloc|Jam|Serrated Flange
  thread: thr {_THREADS} #8-32 #10-24 #10-32
  finish: {_FINISH}
  origin: {_ORIGIN}
family WSH | Flat Washer; washer flat; flat wshr | {{size}} {{type}} {{finish}} | BX 100 4.5 | fam:finish
  size: in 1/4 5/16 3/8 7/16 1/2 9/16 5/8 3/4 7/8 1 1-1/4
  type: w USS|SAE|Fender
  finish: {_FINISH}
family LAG | Hex Lag Screw; lag bolt; lag screw hex; hex lag | {{size}} x {{length}} {{finish}} {{origin}} | \
BX 25 7.0 | fam:finish
  size: in 1/4 5/16 3/8 7/16 1/2 5/8
  length: in 1 1-1/2 2 2-1/2 3 3-1/2 4 5 6 8 10 12
  finish: w Zinc Plated|Hot-Dip Galvanized|18-8 Stainless Steel|Plain
  origin: {_ORIGIN}
family CB | Carriage Bolt; carriage blt; bolt carriage | {{thread}} x {{length}} {{finish}} {{origin}} | BX \
50 12.0 | fam:finish
  thread: thr 1/4-20 5/16-18 3/8-16 1/2-13 5/8-11 3/4-10
  length: in 1 1-1/2 2 2-1/2 3 3-1/2 4 5 6 8 10 12
  finish: w Zinc Plated|Hot-Dip Galvanized|18-8 Stainless Steel|Plain
  origin: {_ORIGIN}
family WA | Wedge Anchor; concrete wedge anchor; anchor wedge | {{size}} x {{length}} {{finish}} {{origin}} |\
 BX 25 18.0 \
| fam:finish
  size: in 1/4 3/8 1/2 5/8 3/4 1
  length: in 1-3/4 2-1/4 2-3/4 3 3-1/2 3-3/4 4-1/4 5 5-1/2 7
  finish: w Zinc Plated|Hot-Dip Galvanized|18-8 Stainless Steel|316 Stainless Steel
  origin: {_ORIGIN}
family TR | Threaded Rod; all thread rod; allthread; thrd rod | {{thread}} x {{length}} {{finish}} \
{{origin}} | EA 1 6.0 \
| fam:finish
  thread: thr #10-24 {_THREADS}
  length: ft 2 3 6 10 12
  finish: w Plain|Zinc Plated|Hot-Dip Galvanized|18-8 Stainless Steel|B7 Alloy@B7
  origin: {_ORIGIN}
family CT | Cable Tie; zip tie; nylon cable tie; tie wrap | {{length}} {{tensile}} {{colour}} {{pack}} | BG \
100 3.5 | alnum
  length: in 4 6 8 11 14 18 24 36
  tensile: u lb 18 40 50 120 175
  colour: w Natural|Black|Red|Blue|Green|Yellow|Orange
  pack: pack BG 100 1000
family RIV | Blind Rivet; pop rivet; rivet blind; rivets | {{diameter}} {{grip}} {{material}} {{head}} \
{{pack}} \
| BX 100 6.0 | fam:material
  diameter: in 1/8 5/32 3/16 1/4
  grip: lab Grip 2 3 4 6 8 10
  material: w Aluminum/Steel@AS|Aluminum/Aluminum@AA|Steel/Steel@ST|Stainless/Stainless@SS
  head: w Dome Head|Large Flange|Countersunk
  pack: pack BX 100 500
family SET | Set Screw; socket set screw; set scr; grub screw | {{thread}} x {{length}} {{point}} {{finish}} \
{{origin}} | BX 100 \
7.0 | fam:finish
  thread: thr {_SMALL_THREADS} 1/4-28 5/16-24 3/8-24 1/2-13 1/2-20 5/8-11
  length: in 1/8 3/16 1/4 5/16 3/8 1/2 5/8 3/4 1 1-1/4 1-1/2 2
  point: w Cup Point@CP=cup pt|Flat Point@FP=flat pt|Cone Point@CN=cone pt|Dog Point@DP=dog pt|Knurled Cup@KC\
=knurl cup
  finish: w Black Oxide|18-8 Stainless Steel|Zinc Plated
  origin: {_ORIGIN}
family SB | Shoulder Bolt; shoulder screw; stripper bolt | {{diameter}} x {{length}} {{thread}} {{finish}} | \
EA 1 3.8 \
| fam:finish
  diameter: in 1/4 5/16 3/8 1/2 5/8 3/4
  length: in 1/4 3/8 1/2 3/4 1 1-1/4 1-1/2 1-3/4 2 2-1/2 3 4
  thread: w Standard Thread@STD=std thread|Fine Thread@FN=fine
  finish: w Black Oxide|18-8 Stainless Steel
family CP | Cotter Pin; cotter pins; split pin | {{diameter}} x {{length}} {{finish}} | BX 100 4.0 | \
fam:finish
  diameter: in 1/16 3/32 1/8 5/32 3/16 1/4 5/16 3/8
  length: in 1/2 3/4 1 1-1/4 1-1/2 2 2-1/2 3 4 5
  finish: w Zinc Plated|18-8 Stainless Steel|Plain|Brass
family DP | Dowel Pin; dowel pins; precision dowel | {{diameter}} x {{length}} {{material}} {{tolerance}} | \
PK 10 6.0 | fam:material
  diameter: in 1/16 3/32 1/8 5/32 3/16 1/4 5/16 3/8 7/16 1/2 5/8 3/4
  length: in 1/4 3/8 1/2 5/8 3/4 7/8 1 1-1/4 1-1/2 1-3/4 2 2-1/2 3
  material: w Alloy Steel@AL=alloy|18-8 Stainless Steel|416 Stainless@416=416 ss
  tolerance: w Standard@S|Oversize@O=oversized,.0002 over
family RR | Retaining Ring; snap ring; circlip | {{type}} {{size}} {{material}} {{finish}} | PK 25 5.5 | \
fam:material
  type: w External@E=ext,shaft|Internal@I=int,housing|E-Style@ES=e-clip,e clip
  size: in 1/8 3/16 1/4 5/16 3/8 7/16 1/2 9/16 5/8 3/4 7/8 1 1-1/8 1-1/4 1-3/8 1-1/2 1-3/4 2 2-1/4 2-1/2
  material: w Spring Steel@SP=carbon steel,spring stl|18-8 Stainless Steel|Beryllium Copper@BC=be cu
  finish: w Black Phosphate@BP=phosphate|Plain
family SPR | Compression Spring; spring compression; comp spring | {{od}} OD x {{length}} {{wire}} \
{{material}} | PK 6 \
8.0 | fam:material
  od: in 1/8 3/16 1/4 5/16 3/8 7/16 1/2 5/8 3/4 1
  length: in 1/2 3/4 1 1-1/4 1-1/2 2 2-1/2 3 4
  wire: w Light Load@LL=light|Medium Load@ML=medium|Heavy Load@HL=heavy
  material: w Music Wire@MW=music wire,steel|302 Stainless@302=302 ss,stainless
family EB | Eye Bolt; eyebolt; lifting eye bolt | {{thread}} x {{shank}} {{type}} {{finish}} {{origin}} | EA \
1 4.5 | fam:finish
  thread: thr 1/4-20 5/16-18 3/8-16 1/2-13 5/8-11 3/4-10 7/8-9 1-8
  shank: in 1 1-1/2 2 2-1/2 3 4 6
  type: w Shoulder@SH=shouldered|Plain Pattern@PP=regular,plain pattern
  finish: w Zinc Plated|Hot-Dip Galvanized|18-8 Stainless Steel|Plain
  origin: {_ORIGIN}
family HC | Hose Clamp; worm gear clamp; hose clmp | {{sae}} {{band}} {{material}} | BX 10 9.0 | fam:material
  sae: lab Size 4 6 8 10 12 16 20 24 28 32 36 40 44 48 52 56 64 72 80 88 96 104
  band: w 1/2 in Band|5/16 in Mini Band
  material: w 201 Stainless@201|304 Stainless@304|Zinc Plated
family OR | O-Ring; oring; o ring | {{dash}} {{material}} {{pack}} | PK 25 5.0 | \
OR-{{dash}}-{{material}}-{{pack}}
  dash: lab Dash 004 005 006 007 008 009 010 011 012 013 014 015 016 017 018 019 020 021 022 023 024 025 026 \
110 111 112 113 114 115 116 117 118 119 120 121 122 123 124 125 126 127 128 129 130 210 211 212 213 214 215 \
216 \
217 218 219 220 221 222 223 224 225 226 227 228 230 232 234 236 238 240
  material: w Buna-N 70@BN=nitrile,buna|Viton 75@VT=fkm,viton|EPDM 70@EP=epdm|Silicone 70@SI=silicone|Buna-N \
90@BN9\
=nitrile 90,buna 90
  pack: pack PK 25 100
"""

ELECTRICAL = f"""
family ELW | THHN Wire; thhn; building wire thhn; wire thhn-2 | {{gauge}} {{strand}} {{colour}} {{putup}} | \
EA 1 62.0 \
| num
  gauge: u AWG 14 12 10 8 6 4 2
  strand: w Solid|Stranded
  colour: {_COLOURS}
  putup: w 100 ft Coil@C100=100' coil|500 ft Spool@S500=500' spool,500ft reel|2500 ft Reel@R2500=2500' reel
family LED | LED Lamp; led bulb; lamp led; led light bulb | {{brand}} {{shape}} {{watts}} {{cct}} {{dim}} \
{{pack}} | PK 1 4.5 | num
  brand: w Lumatek|BrightLine|Solux
  shape: w A19|A21|BR30|PAR38|B11
  watts: lab Equivalent 40W 60W 75W 100W
  cct: u K 2700 3000 4000 5000
  dim: w Dimmable@D|Non-Dimmable@ND=non dim,non-dim
  pack: pack PK 1 4 12
family LT8 | LED T8 Tube; t8 led tube; led tube t8; tube led t8 | {{length}} {{watts}} {{cct}} {{type}} \
{{pack}} | \
CA 10 62.0 | num
  length: ft 2 4
  watts: u W 10 12 15 18
  cct: u K 3500 4000 5000
  type: w Type A=ballast compatible|Type B=ballast bypass|Type A+B=hybrid
  pack: pack CA 10 25
family REC | Receptacle; outlet; duplex receptacle; recept | {{brand}} {{amps}} {{grade}} {{type}} \
{{colour}} | EA 1 3.2 \
| num
  brand: w Outletco|Plugwell
  amps: u A 15 20
  grade: w Residential|Commercial|Hospital Grade|Industrial
  type: w Duplex|GFCI|Tamper-Resistant|USB Charging@USB|Weather-Resistant
  colour: w White|Ivory|Light Almond|Black|Gray|Brown|Red
family WP | Wall Plate; wallplate; cover plate; switch plate | {{gangs}} {{config}} {{material}} {{colour}} \
{{size}} \
| EA 1 1.1 | num
  gangs: w 1-Gang@1G=1 gang,single gang|2-Gang@2G=2 gang,double gang|3-Gang@3G=3 gang|4-Gang@4G=4 gang
  config: w Duplex|Decorator=decora|Toggle|Blank
  material: w Nylon|Thermoset|Polycarbonate
  colour: w White|Ivory|Light Almond|Black|Gray|Brown
  size: w Standard|Midway|Jumbo
family SW | Toggle Switch; light switch; switch toggle | {{poles}} {{amps}} {{grade}} {{colour}} | EA 1 2.6 |\
 num
  poles: w Single Pole@1P=single pole,1-pole,sp|3-Way@3W=3 way,three way|4-Way@4W=4 way|Double \
Pole@2P=2-pole,dp
  amps: u A 15 20
  grade: w Residential|Commercial|Industrial
  colour: w White|Ivory|Light Almond|Black|Gray|Brown
family TAP | Vinyl Electrical Tape; electrical tape; tape electrical; vinyl tape | {{brand}} {{width}} x \
{{length}} \
{{thick}} {{colour}} | RL 1 2.4 | num
  brand: w Tapeco|Sealtite|Norpro
  width: in 1/2 3/4 1
  length: ft 20 60 66
  thick: u mil 7 8.5
  colour: {_COLOURS}
family LUG | Compression Lug; lug; cable lug; copper lug | {{barrel}} {{wire}} {{stud}} {{insulation}} | BX \
10 \
15.0 | num
  barrel: w 1-Hole Standard Barrel@1S=1 hole|2-Hole Standard Barrel@2S=2 hole|1-Hole Long Barrel@1L=1 hole \
long\
|2-Hole Long Barrel@2L=2 hole long
  wire: w 8 AWG@8=#8|6 AWG@6=#6|4 AWG@4=#4|2 AWG@2=#2|1/0 AWG@10=1/0|2/0 AWG@20=2/0|3/0 AWG@30=3/0|4/0 AWG@40\
=4/0|250 kcmil@250=250 mcm|350 kcmil@350=350 mcm
  stud: w 1/4 in Stud@14=1/4 stud|5/16 in Stud@516=5/16 stud|3/8 in Stud@38=3/8 stud|1/2 in Stud@12=1/2 stud
  insulation: w Uninsulated@U=bare|Heat Shrink Insulated@HS=insulated
family FUS | Fuse; fuses; cartridge fuse | {{class}} {{amps}} {{volts}} | BX 10 22.0 | num
  class: w Class CC@CC=cc|Class J@J=j|Class RK5@RK5=rk5|Class RK1@RK1=rk1|Class T@T=t|Midget Fast-Acting@MF\
=midget
  amps: u A 1 2 3 5 6 10 15 20 25 30 35 40 45 50 60
  volts: u V 250 600
family HST | Heat Shrink Tubing; heat shrink; shrink tube | {{diameter}} {{ratio}} {{colour}} {{length}} | \
PK 1 \
6.0 | num
  diameter: in 1/16 3/32 1/8 3/16 1/4 3/8 1/2 3/4 1 1-1/2
  ratio: w 2:1@2=2 to 1|3:1 Adhesive Lined@3A=3 to 1,dual wall
  colour: w Black|Red|Clear|White|Blue|Yellow|Green
  length: w 4 ft Stick@4=4' stick|25 ft Spool@25=25' spool
family EMT | EMT Fitting; emt conn; conduit fitting emt | {{type}} {{size}} {{material}} | BX 25 14.0 | num
  type: w Set Screw Connector|Compression Connector|Set Screw Coupling|Compression Coupling
  size: in 1/2 3/4 1 1-1/4 1-1/2 2 2-1/2 3 4
  material: w Steel|Die-Cast Zinc=zinc die cast,diecast
family EXT | Extension Cord; ext cord; cord extension | {{length}} {{gauge}} {{jacket}} {{colour}} | EA 1 \
24.0 | num
  length: ft 25 50 100
  gauge: w 16/3|14/3|12/3|10/3
  jacket: w SJTW|SJOOW
  colour: w Orange|Yellow|Green|Blue
family BAT | Battery; batteries; batt | {{brand}} {{size}} {{chem}} {{pack}} | PK 4 5.0 | num
  brand: w Voltmax|PowerCell|Enerforce
  size: w AA|AAA|C|D|9V
  chem: w Alkaline|Lithium|Rechargeable NiMH@NIMH=nimh rechargeable,rechargeable
  pack: pack PK 4 8 24 36
family BRK | Circuit Breaker; breaker; ckt breaker; cb | {{brand}} {{poles}} {{amps}} {{type}} | EA 1 9.0 | \
num
  brand: w Voltguard|Circuitek
  poles: w 1-Pole@1P=1 pole,single pole|2-Pole@2P=2 pole,double pole|3-Pole@3P=3 pole
  amps: u A 15 20 25 30 40 50 60 70 100
  type: w Standard|GFCI|AFCI|Dual Function@DF=dual function afci/gfci
"""

PLUMBING = f"""
family CU | Copper Fitting; copper ftg; cu fitting; wrot copper | {{type}} {{size}} {{end}} | EA 1 2.8 | alnum
  type: w 90 Elbow=90 ell,90 deg elbow|45 Elbow=45 ell|Tee|Coupling|Cap|Male Adapter=mip adapter|Female \
Adapter\
=fip adapter|Union
  size: in 1/4 3/8 1/2 3/4 1 1-1/4 1-1/2 2
  end: w Sweat=solder,cxc|Press=pressfit
family PVC | PVC Fitting; pvc ftg; fitting pvc | {{type}} {{size}} {{schedule}} {{end}} | EA 1 1.4 | alnum
  type: w 90 Elbow=90 ell|45 Elbow=45 ell|Tee|Coupling|Cap|Plug|Male Adapter|Female Adapter|Union
  size: in 1/2 3/4 1 1-1/4 1-1/2 2 3 4 6
  schedule: lab Sch 40 80
  end: w Slip=socket,slip x slip|Threaded=fpt,thd
family BV | Ball Valve; valve ball; full port ball valve | {{size}} {{material}} {{end}} {{handle}} | EA 1 \
14.0 | alnum
  size: {_PIPE}
  material: w Brass|Lead-Free Brass@LF=lf brass,no lead brass|Stainless Steel@SS=ss,stainless|PVC
  end: w Threaded=fnpt,thd,ips|Sweat=solder|Press
  handle: w Lever Handle@LV=lever|Tee Handle@TH=t-handle,tee
family NIP | Pipe Nipple; nipple; pipe nip | {{size}} x {{length}} {{material}} | EA 1 2.2 | alnum
  size: {_PIPE}
  length: w Close|1-1/2 in|2 in|2-1/2 in|3 in|3-1/2 in|4 in|5 in|6 in|8 in|10 in|12 in
  material: w Black Steel@BLK=black,blk iron|Galvanized Steel@GALV=galv,galvanized|Brass|304 Stainless@SS=ss
family MAL | Malleable Iron Fitting; malleable fitting; black fitting; iron fitting | {{type}} {{size}} \
{{finish}} \
{{class}} | EA 1 3.6 | alnum
  type: w 90 Elbow=90 ell|45 Elbow=45 ell|Tee|Coupling|Union|Cap|Plug|Bushing|Street Elbow=street ell
  size: {_PIPE}
  finish: w Black|Galvanized=galv
  class: lab Class 150 300
family SUP | Supply Line; supply tube; braided supply | {{length}} {{connection}} {{material}} | EA 1 6.5 | \
alnum
  length: in 9 12 16 20 24 30 36
  connection: w 3/8 Comp x 1/2 FIP@F12|3/8 Comp x 7/8 Ballcock@BC|3/8 Comp x 3/8 Comp@C38|1/2 FIP x 1/2 FIP@FF
  material: w Braided Stainless@SS=ss braided,stainless braided|PVC|Vinyl
"""

JANITORIAL = """
family JAN | Trash Can Liner; trash bag; can liner; garbage bag | {capacity} {thickness} {colour} {pack} | \
CA 100 24.0 | alnum
  capacity: w 7-10 Gal@10G=7-10 gallon|12-16 Gal@16G=12-16 gallon|20-30 Gal@30G=20-30 gallon|33 Gal@33G=33 \
gallon|40-45 Gal@45G=40-45 gallon|55-60 Gal@60G=55-60 gallon
  thickness: u mil 0.7 0.9 1.1 1.5 2.0
  colour: w Black|Clear|White|Blue
  pack: pack CA 100 200 250
family TWL | Paper Towel; paper towels; towel paper | {type} {ply} {colour} {pack} | CA 12 38.0 | alnum
  type: w Hardwound Roll@HW=roll towel,hardwound|Multifold@MF=multi-fold,m-fold|C-Fold@CF=c fold|\
Center-Pull@CP\
=center pull
  ply: u ply 1 2
  colour: w White|Natural=kraft,brown
  pack: pack CA 6 12 16 24
family TT | Toilet Tissue; bath tissue; toilet paper | {type} {ply} {pack} | CA 48 42.0 | alnum
  type: w Standard Roll@STD=std roll|Jumbo Roll 9 in@J9=jrt 9|Jumbo Roll 12 in@J12=jrt 12|Coreless@CL
  ply: u ply 1 2
  pack: pack CA 12 48 80 96
family CLN | Cleaner; cleaning chemical; chemical cleaner | {brand} {type} {size} {scent} | CA 12 36.0 | alnum
  brand: w Cleanex|Purosan|Sanipro
  type: w All-Purpose Cleaner@APC=all purpose|Glass Cleaner@GC|Neutral Floor Cleaner@NFC|Degreaser@DG|\
Disinfectant@DIS=quat disinfectant
  size: w 32 oz Spray@32=32oz|1 Gallon@1G=1 gal|5 Gallon Pail@5G=5 gal
  scent: w Unscented|Lemon|Fresh|Lavender
family SOAP | Hand Soap; soap hand; hand cleaner | {type} {size} {scent} | CA 4 44.0 | alnum
  type: w Foam Soap|Gel Sanitizer=hand sanitizer gel|Foam Sanitizer|Lotion Soap
  size: w 1000 ml Refill@1000=1000ml|1200 ml Refill@1200=1200ml|12 oz Pump@12=12oz pump|1 Gallon@1G=1 gal
  scent: w Unscented|Light Floral@LF|Citrus
family MFC | Microfiber Cloth; microfiber towel; micro fiber rag | {size} {weight} {colour} {pack} | PK 12 \
9.0 | alnum
  size: dim 12x12 16x16 16x24
  weight: w 300 gsm@300|350 gsm@350
  colour: w Blue|Green|Yellow|Red|Gray
  pack: pack PK 12 24 50
family MOP | Wet Mop Head; mop head; mop | {type} {material} {size} {band} | CA 12 48.0 | alnum
  type: w Cut-End@CE=cut end|Looped-End@LE=looped end,loop end
  material: w Cotton|Rayon|Blend=cotton blend|Microfiber
  size: u oz 16 20 24 32
  band: w 1 in Headband@1B=1" band|5 in Headband@5B=5" band,wide band
"""


def all_families() -> list[Family]:
    """Every family of the catalog, in a fixed order."""
    out: list[Family] = []
    sections = (
        ("fasteners", FASTENERS),
        ("electrical", ELECTRICAL),
        ("plumbing", PLUMBING),
        ("janitorial", JANITORIAL),
        ("safety", shop.SAFETY),
        ("packaging", shop.PACKAGING),
        ("office", shop.OFFICE),
        ("tools", shop.TOOLS),
        ("hvac", shop.HVAC),
        ("mro", shop.MRO),
        ("apparel", shop.APPAREL),
    )
    for section, spec in sections:
        out += parse_families(spec, section, len(out))
    return out
